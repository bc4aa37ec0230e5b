"""The sandbox's Celery app: tasks run inline, as in a Saleor without a broker."""

from celery import Celery

app = Celery("wfx_sandbox")
app.conf.task_always_eager = True
app.conf.task_eager_propagates = True
app.set_default()
