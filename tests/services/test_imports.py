"""Staff import a team from a spreadsheet: all rows or none, every problem listed at once."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection

from saleor_wfx_plugin.domain.attribution import DistributorStatus
from saleor_wfx_plugin.models import Distributor, DistributorEvent, Grade
from saleor_wfx_plugin.services import imports
from saleor_wfx_plugin.services.distributors import create_distributor, set_status
from saleor_wfx_plugin.services.imports import (
    MAX_ROWS,
    import_distributors,
)

STAFF = "user:7"


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def problems(report) -> set[tuple[int, str, str]]:
    return {(error.line, error.field, error.code) for error in report.errors}


@pytest.fixture
def grades(db):
    """The grade list as a merchant might have it; not relying on the migration's defaults,
    which a transactional test elsewhere may have flushed."""
    return {
        slug: Grade.objects.update_or_create(slug=slug, defaults={"name": slug, "rank": rank})[0]
        for slug, rank in (("ordinary", 0), ("gold", 1), ("partner", 2))
    }


@pytest.fixture
def boss(grades):
    return create_distributor(code="BOSS01", email="boss@example.com", user_id="1")


@pytest.mark.django_db
def test_a_valid_file_creates_everyone_with_their_upline_grade_and_phone(boss, grades):
    data = csv_file(
        "email,phone,code,upline_code,grade,name",
        "alice@example.com,138 1234 5678,alice1,BOSS01,gold,Alice",
        "bob@example.com,+86 139-0000-0001,,ALICE1,,Bob",
        "carol@example.com,+49 151 1234 5678,CAROL-2,alice1,partner,",
    )

    report = import_distributors(data, dry_run=False, actor=STAFF)

    assert report.errors == ()
    assert (report.rows, report.valid, report.created, report.dry_run) == (3, 3, 3, False)
    alice, bob, carol = (Distributor.objects.get(code=code) for code in report.created_codes)
    assert (alice.code, alice.upline, alice.grade, alice.phone, alice.name) == (
        "ALICE1",
        boss,
        grades["gold"],
        "+8613812345678",
        "Alice",
    )
    # No grade given: the lowest one. No code given: one is generated.
    assert (bob.upline, bob.grade, bob.phone, bob.email) == (
        alice,
        grades["ordinary"],
        "+8613900000001",
        "bob@example.com",
    )
    assert len(bob.code) == 8
    assert (carol.code, carol.upline, carol.grade, carol.phone) == (
        "CAROL-2",
        alice,
        grades["partner"],
        "+4915112345678",
    )
    assert {d.status for d in (alice, bob, carol)} == {DistributorStatus.ACTIVE}


@pytest.mark.django_db
def test_a_row_may_name_an_upline_that_appears_later_in_the_file(grades):
    data = csv_file(
        "email,phone,code,upline_code",
        "grandchild@example.com,13800000003,KID003,CHILD2",
        "child@example.com,13800000002,CHILD2,ROOT01",
        "root@example.com,13800000001,ROOT01,",
    )

    report = import_distributors(data, dry_run=False, actor=STAFF)

    assert report.created == 3
    assert report.created_codes == ("KID003", "CHILD2", "ROOT01")
    chain = Distributor.objects.select_related("upline__upline").get(code="KID003")
    assert chain.upline.code == "CHILD2"
    assert chain.upline.upline.code == "ROOT01"
    assert chain.upline.upline.upline is None


@pytest.mark.django_db
def test_a_dry_run_reports_the_valid_rows_and_creates_nothing(boss):
    data = csv_file(
        "email,phone,upline_code",
        "alice@example.com,13812345678,BOSS01",
        "bob@example.com,13912345678,",
    )

    report = import_distributors(data, dry_run=True, actor=STAFF)

    assert (report.rows, report.valid, report.created, report.dry_run) == (2, 2, 0, True)
    assert report.errors == ()
    assert report.created_codes == ()
    assert list(Distributor.objects.values_list("code", flat=True)) == ["BOSS01"]
    assert not DistributorEvent.objects.filter(kind=DistributorEvent.Kind.IMPORTED).exists()


@pytest.mark.django_db
def test_every_problem_of_every_row_is_reported_with_its_line_and_column(boss):
    sleeper = create_distributor(code="SLEEP1", email="sleeper@example.com")
    set_status(sleeper, DistributorStatus.SUSPENDED)
    data = csv_file(
        "email,phone,code,upline_code,grade",
        "good@example.com,13800000001,GOOD01,BOSS01,gold",  # line 2
        "not-an-email,13800000002,,,",  # 3
        "good@EXAMPLE.com,13800000003,,,",  # 4: same e-mail as line 2
        "Boss@example.com,13800000004,,,",  # 5: already a distributor
        "phone@example.com,12345,,,",  # 6
        "orphan@example.com,13800000006,,NOBODY,",  # 7
        "sleepy@example.com,13800000007,,SLEEP1,",  # 8
        "grade@example.com,13800000008,,,diamond",  # 9
        "code@example.com,13800000009,<b>,,",  # 10
        "ring1@example.com,13800000010,RING01,RING02,",  # 11
        "ring2@example.com,13800000011,RING02,RING01,",  # 12
        "both-bad,555,,,",  # 13: two problems in one row
        ",,,,gold",  # 14: the required cells empty
        "dup-phone@example.com,138 0000 0001,,,",  # 15: same phone as line 2
    )

    report = import_distributors(data, dry_run=True, actor=STAFF)

    assert problems(report) == {
        (3, "email", "invalid_email"),
        (4, "email", "duplicate_in_file"),
        (5, "email", "already_distributor"),
        (6, "phone", "invalid_phone"),
        (7, "upline_code", "upline_not_found"),
        (8, "upline_code", "upline_inactive"),
        (9, "grade", "grade_not_found"),
        (10, "code", "invalid_code"),
        (11, "upline_code", "upline_cycle"),
        (12, "upline_code", "upline_cycle"),
        (13, "email", "invalid_email"),
        (13, "phone", "invalid_phone"),
        (14, "email", "required"),
        (14, "phone", "required"),
        (15, "phone", "duplicate_in_file"),
    }
    assert [error.line for error in report.errors] == sorted(e.line for e in report.errors)
    assert (report.rows, report.valid) == (14, 1)
    by_line = {error.line: error.message for error in report.errors}
    assert by_line[4] == "Same email as line 2."
    assert by_line[8] == ("Upline SLEEP1 is suspended; only an active distributor can recruit.")
    assert by_line[11] == "The rows on lines 11 → 12 → 11 are each other's uplines."


@pytest.mark.django_db
def test_a_row_naming_itself_as_upline_is_a_cycle(grades):
    data = csv_file("email,phone,code,upline_code", "me@example.com,13800000001,ME0001,me0001")

    report = import_distributors(data, dry_run=True, actor=STAFF)

    assert problems(report) == {(2, "upline_code", "upline_cycle")}


@pytest.mark.django_db
def test_one_bad_row_imports_nothing(grades):
    data = csv_file(
        "email,phone",
        "alice@example.com,13800000001",
        "bob@example.com,not a phone",
        "carol@example.com,13800000003",
    )

    report = import_distributors(data, dry_run=False, actor=STAFF)

    assert problems(report) == {(3, "phone", "invalid_phone")}
    assert (report.rows, report.valid, report.created, report.created_codes) == (3, 2, 0, ())
    assert not Distributor.objects.exists()
    assert not DistributorEvent.objects.exists()


@pytest.mark.django_db
def test_a_crash_midway_rolls_back_every_row(grades, monkeypatch):
    real_create = imports.create_distributor

    def failing_on_second_row(**fields):
        if fields["email"] == "b@example.com":
            raise RuntimeError("database went away")
        return real_create(**fields)

    monkeypatch.setattr(imports, "create_distributor", failing_on_second_row)
    data = csv_file("email,phone", "a@example.com,13800000001", "b@example.com,13800000002")

    with pytest.raises(RuntimeError):
        import_distributors(data, dry_run=False, actor=STAFF)

    assert not Distributor.objects.exists()
    assert not DistributorEvent.objects.exists()


@pytest.mark.django_db
def test_each_imported_distributor_has_an_imported_event_naming_the_staff_and_line(grades):
    data = csv_file(
        "email,phone,code", "a@example.com,13800000001,AAA001", "", "b@x.cn,13800000002,BBB002"
    )

    import_distributors(data, dry_run=False, actor=STAFF)

    events = DistributorEvent.objects.order_by("distributor__code")
    assert [(e.distributor.code, e.kind, e.actor, e.data["line"]) for e in events] == [
        ("AAA001", DistributorEvent.Kind.IMPORTED, STAFF, 2),
        # Line 3 was blank: line numbers are the file's, as the spreadsheet shows them.
        ("BBB002", DistributorEvent.Kind.IMPORTED, STAFF, 4),
    ]


@pytest.mark.django_db
def test_importing_the_same_file_twice_creates_nothing_the_second_time(grades):
    data = csv_file("email,phone", "a@example.com,13800000001", "b@example.com,13800000002")
    import_distributors(data, dry_run=False, actor=STAFF)

    again = import_distributors(data, dry_run=False, actor=STAFF)

    assert problems(again) == {
        (2, "email", "already_distributor"),
        (3, "email", "already_distributor"),
    }
    assert again.created == 0
    assert Distributor.objects.count() == 2
    assert DistributorEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_file_submitted_twice_at_once_is_imported_once(grades, monkeypatch):
    # Both submissions have read "nobody has these e-mails" before either writes, unless the
    # tree lock keeps the second waiting until the first has committed.
    checked = imports.validate_rows

    def slow_validate(rows, **options):
        errors = checked(rows, **options)
        time.sleep(0.3)
        return errors

    monkeypatch.setattr(imports, "validate_rows", slow_validate)
    data = csv_file("email,phone", "a@example.com,13800000001", "b@example.com,13800000002")
    reports, crashes = [], []
    barrier = threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            reports.append(import_distributors(data, dry_run=False, actor=STAFF))
        except Exception as crash:  # surfaced below, with the test's assertion
            crashes.append(crash)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert crashes == []
    assert sorted(report.created for report in reports) == [0, 2]
    assert Distributor.objects.count() == 2


@pytest.mark.django_db
def test_excel_gb18030_file_with_chinese_names_is_read(grades):
    data = csv_file(
        "email,phone,name",
        "wang@example.cn,13800000001,王小明",
        "li@example.cn,13800000002,李华",
        encoding="gb18030",
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    report = import_distributors(data, dry_run=False, actor=STAFF)

    assert report.created == 2
    assert set(Distributor.objects.values_list("name", flat=True)) == {"王小明", "李华"}


@pytest.mark.django_db
def test_a_utf8_file_with_a_byte_order_mark_is_read(grades):
    data = b"\xef\xbb\xbf" + csv_file("Email,Phone,Name", "zhao@example.cn,13800000001,赵六")

    report = import_distributors(data, dry_run=False, actor=STAFF)

    assert report.errors == ()
    assert Distributor.objects.get().name == "赵六"


@pytest.mark.django_db
def test_semicolon_separated_files_and_any_header_case_are_read(boss):
    data = csv_file(
        "EMAIL;Phone;Upline_Code;Name",
        'anna@example.de;+49 151 1234 5678;boss01;"Müller; Anna"',
    )

    report = import_distributors(data, dry_run=False, actor=STAFF)

    assert report.errors == ()
    anna = Distributor.objects.get(email="anna@example.de")
    assert (anna.upline, anna.name, anna.phone) == (boss, "Müller; Anna", "+4915112345678")


@pytest.mark.django_db
def test_an_unquoted_separator_in_a_value_is_reported_not_shifted_into_other_columns(grades):
    data = csv_file("email,phone,name", "wei@example.cn,13800000001,Zhang, Wei")

    report = import_distributors(data, dry_run=True, actor=STAFF)

    assert problems(report) == {(2, "", "extra_cells")}


@pytest.mark.django_db
def test_more_than_the_row_limit_is_refused_before_checking_any_row(grades):
    rows = [f"user{n}@example.com,+86138{n:08d}" for n in range(MAX_ROWS + 1)]
    data = csv_file("email,phone", *rows)

    report = import_distributors(data, dry_run=True, actor=STAFF)

    assert [(e.line, e.code) for e in report.errors] == [(0, "too_large")]
    assert report.rows == MAX_ROWS + 1
    assert report.valid == 0


@pytest.mark.django_db
def test_the_row_limit_itself_is_accepted(grades):
    rows = [f"user{n}@example.com,+86138{n:08d}" for n in range(MAX_ROWS)]

    report = import_distributors(csv_file("email,phone", *rows), dry_run=True, actor=STAFF)

    assert (report.errors, report.valid) == ((), MAX_ROWS)


@pytest.mark.django_db
def test_a_file_over_two_megabytes_is_refused(grades):
    data = csv_file("email,phone,name", "a@example.com,13800000001," + "x" * (2 * 1024 * 1024))

    report = import_distributors(data, dry_run=True, actor=STAFF)

    assert problems(report) == {(0, "", "too_large")}


@pytest.mark.django_db
@pytest.mark.parametrize("data", [b"", b"   \r\n", b",,,\r\n"])
def test_an_empty_file_is_refused(grades, data):
    assert problems(import_distributors(data, dry_run=True, actor=STAFF)) == {(0, "", "empty")}


@pytest.mark.django_db
def test_a_header_without_rows_is_refused(grades):
    report = import_distributors(csv_file("email,phone"), dry_run=True, actor=STAFF)

    assert problems(report) == {(0, "", "empty")}


@pytest.mark.django_db
def test_a_missing_required_column_names_the_column(grades):
    report = import_distributors(
        csv_file("email,upline", "a@example.com,BOSS01"), dry_run=True, actor=STAFF
    )

    # "upline" is a likely misspelling of upline_code: ignoring it would drop every upline.
    assert problems(report) == {
        (1, "upline", "unknown_column"),
        (1, "phone", "missing_column"),
    }


@pytest.mark.django_db
def test_codes_and_user_ids_must_be_free(boss):
    data = csv_file(
        "email,phone,code,user_id",
        "a@example.com,13800000001,boss01,1",
        "b@example.com,13800000002,NEW001,9",
        "c@example.com,13800000003,new001,9",
    )

    report = import_distributors(data, dry_run=True, actor=STAFF)

    assert problems(report) == {
        (2, "code", "unique"),
        (2, "user_id", "already_distributor"),
        (4, "code", "duplicate_in_file"),
        (4, "user_id", "duplicate_in_file"),
    }


@pytest.mark.django_db
def test_the_command_checks_by_default_and_lists_every_problem(tmp_path, grades, capsys):
    path = tmp_path / "team.csv"
    path.write_bytes(csv_file("email,phone", "a@example.com,13800000001", "oops,13800000002"))

    with pytest.raises(SystemExit) as exit_:
        call_command("wfx_import_distributors", str(path))

    assert exit_.value.code == 1
    output = capsys.readouterr().out
    assert "3     email   invalid_email  'oops' is not a valid e-mail address." in output
    assert "2 rows, 1 valid, 1 problems: nothing imported." in output
    assert not Distributor.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_only_with_commit(tmp_path, grades, capsys):
    path = tmp_path / "team.csv"
    path.write_bytes(csv_file("email,phone", "a@example.com,13800000001"))

    call_command("wfx_import_distributors", str(path))
    assert not Distributor.objects.exists()
    assert "1 rows, all valid. Nothing imported yet" in capsys.readouterr().out

    call_command("wfx_import_distributors", str(path), "--commit", "--actor", STAFF)
    assert "Imported 1 distributors." in capsys.readouterr().out
    assert DistributorEvent.objects.get().actor == STAFF
