"""What a storefront does in Saleor, through Saleor's public GraphQL API, step by step: create a
checkout (the referral code in its metadata), apply promo codes, choose delivery, pay (an app
records the charge), complete. The tier's checkout fixtures are made of these steps (the
`storefront` fixture), so each says only what its checkout does differently."""

import graphene
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order

CHECKOUT_CREATE = """
mutation ($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id shippingMethods { id } }
    errors { field message code }
  }
}
"""
ADD_PROMO_CODE = """
mutation ($id: ID!, $promoCode: String!) {
  checkoutAddPromoCode(id: $id, promoCode: $promoCode) {
    checkout { voucherCode totalPrice { gross { amount currency } } }
    errors { field message code }
  }
}
"""
DELIVERY_UPDATE = """
mutation ($id: ID!, $deliveryMethodId: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $deliveryMethodId) {
    checkout { totalPrice { gross { amount currency } } }
    errors { field message code }
  }
}
"""
TRANSACTION_CREATE = """
mutation ($id: ID!, $transaction: TransactionCreateInput!) {
  transactionCreate(id: $id, transaction: $transaction) {
    transaction { id }
    errors { field message code }
  }
}
"""
TRANSACTION_UPDATE = """
mutation ($id: ID!, $transaction: TransactionUpdateInput!) {
  transactionUpdate(id: $id, transaction: $transaction) {
    transaction { id }
    errors { field message code }
  }
}
"""
CHECKOUT_COMPLETE = """
mutation ($id: ID!) {
  checkoutComplete(id: $id) {
    order { id number }
    errors { field message code }
  }
}
"""
POLISH_ADDRESS = {
    "firstName": "John",
    "lastName": "Doe",
    "streetAddress1": "Tęczowa 7",
    "city": "WROCŁAW",
    "postalCode": "53-601",
    "country": "PL",
    "phone": "+48713988102",
}


def _mutation(client, query, variables, name):
    result = get_graphql_content(client.post_graphql(query, variables))["data"][name]
    assert result["errors"] == []
    return result


class Storefront:
    """A shopper's client (anonymous unless a step is given another, e.g. `user_api_client`), the
    payment app's, the channel and the shipping method: the `storefront` fixture (conftest)."""

    def __init__(self, client, app_api_client, channel_slug, shipping_method, capture_commits):
        self.client = client
        self.app_api_client = app_api_client
        self.channel_slug = channel_slug
        self.shipping_method = shipping_method
        # django_capture_on_commit_callbacks: completion runs the commit hooks it queued.
        self.capture_commits = capture_commits

    def start_checkout(self, lines, *, metadata=(), email="shopper@example.com", client=None):
        """A checkout of `lines` ((variant, quantity) pairs) shipped to Poland; its id."""
        created = _mutation(
            client or self.client,
            CHECKOUT_CREATE,
            {
                "input": {
                    "channel": self.channel_slug,
                    "email": email,
                    "lines": [
                        {
                            "variantId": graphene.Node.to_global_id("ProductVariant", variant.pk),
                            "quantity": quantity,
                        }
                        for variant, quantity in lines
                    ],
                    "shippingAddress": POLISH_ADDRESS,
                    "billingAddress": POLISH_ADDRESS,
                    "metadata": [{"key": key, "value": value} for key, value in metadata],
                }
            },
            "checkoutCreate",
        )
        return created["checkout"]["id"]

    def add_promo_code(self, checkout_id, code, *, client=None):
        """A voucher or gift card code, applied; the checkout as Saleor answers it."""
        return _mutation(
            client or self.client,
            ADD_PROMO_CODE,
            {"id": checkout_id, "promoCode": code},
            "checkoutAddPromoCode",
        )["checkout"]

    def choose_delivery(self, checkout_id, *, client=None):
        """The shipping method chosen; the checkout's gross total then."""
        delivery = _mutation(
            client or self.client,
            DELIVERY_UPDATE,
            {
                "id": checkout_id,
                "deliveryMethodId": graphene.Node.to_global_id(
                    "ShippingMethod", self.shipping_method.pk
                ),
            },
            "checkoutDeliveryMethodUpdate",
        )
        return delivery["checkout"]["totalPrice"]["gross"]

    def pay(self, checkout_id, total):
        """The payment app records a charge of `total` (an offline payment); its transaction's
        id."""
        paid = _mutation(
            self.app_api_client,
            TRANSACTION_CREATE,
            {
                "id": checkout_id,
                "transaction": {
                    "name": "Offline payment",
                    "pspReference": f"psp-{checkout_id[-6:]}",
                    "amountCharged": {"amount": total["amount"], "currency": total["currency"]},
                },
            },
            "transactionCreate",
        )
        return paid["transaction"]["id"]

    def complete(self, checkout_id, *, client=None):
        """checkoutComplete; the order it made. Callers decide whether its commit hooks run
        (`capture_commits`) or are counted."""
        completed = _mutation(
            client or self.client, CHECKOUT_COMPLETE, {"id": checkout_id}, "checkoutComplete"
        )
        _, order_pk = graphene.Node.from_global_id(completed["order"]["id"])
        return Order.objects.get(pk=order_pk)

    def place_order(
        self, lines, *, metadata=(), email="shopper@example.com", gift_card_codes=(), client=None
    ):
        """A whole order: checkout, delivery, gift cards (applied before paying what is left to
        charge), payment, completion with its commit hooks run (the plugin's tasks among them).
        The order, the transaction's id and the total charged."""
        checkout_id = self.start_checkout(lines, metadata=metadata, email=email, client=client)
        total = self.choose_delivery(checkout_id, client=client)
        for code in gift_card_codes:
            total = self.add_promo_code(checkout_id, code, client=client)["totalPrice"]["gross"]
        transaction_id = self.pay(checkout_id, total)
        with self.capture_commits(execute=True):
            order = self.complete(checkout_id, client=client)
        return order, transaction_id, total
