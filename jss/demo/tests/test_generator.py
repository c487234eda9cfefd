import datetime
import json

from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from jss.accounts.models import Membership, User
from jss.demo.services import DEMO_USERS, generate_network
from jss.directory.models import Location, Phone
from jss.directory.queries import stale_entries
from jss.institutions.models import Institution


def fixed_password(username: str) -> str:
    return f"pw-{username}-0123456789"


def test_demo_network_has_jeju_growth_and_every_role(jeju):
    result = generate_network(seed=1, scale=1, password_for=fixed_password)
    assert result.institutions_created_or_updated == 71
    assert Institution.objects.filter(status="active").count() == 71
    assert Institution.objects.filter(member_since=datetime.date(2023, 2, 22)).count() == 47
    assert Institution.objects.filter(member_since__lte=datetime.date(2023, 12, 31)).count() == 58
    assert Institution.objects.filter(is_sample=True).count() == 71
    assert Institution.objects.get(hosts_secretariat=True).name_ko == "제주경찰청"
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    stations = Membership.objects.filter(role="coordinator").values_list("station__code", flat=True)
    assert set(stations) == {"jeju-dongbu", "jeju-seobu", "seogwipo"}
    assert Institution.objects.filter(category="police_station", station__isnull=False).count() == 3
    mains = list(Phone.objects.filter(kind="main").values_list("number", flat=True))
    assert len(mains) == 71
    assert all(number.startswith("064-000-") for number in mains)
    # Shelters keep their address confidential.
    assert not Location.objects.filter(institution__category="shelter").exclude(address_ko="").exists()
    assert Location.objects.filter(institution__category="shelter", is_confidential=True).count() == 7
    # Every institution has services in the directory, and some entries are stale (not confirmed for 6 months).
    assert not Institution.objects.filter(services__isnull=True).exists()
    stale = stale_entries(now=timezone.now()).count()
    assert 5 < stale < 40
    assert User.objects.get(username="coordinator").check_password(fixed_password("coordinator"))


def test_running_the_generator_again_duplicates_nothing(jeju):
    generate_network(seed=1, scale=1, password_for=fixed_password)
    again = generate_network(seed=1, scale=1, password_for=fixed_password)
    assert again.institutions_created_or_updated == 0
    assert again.users_created == []
    assert again.services_created_or_updated == 0
    assert Institution.objects.count() == 71
    assert User.objects.count() == len(DEMO_USERS)


def test_scale_multiplies_the_network_deterministically(jeju):
    generate_network(seed=7, scale=2, password_for=fixed_password)
    assert Institution.objects.count() == 142
    first = list(Institution.objects.filter(key__startswith="demo-extra").order_by("key").values_list("region__code"))
    Institution.objects.filter(key__startswith="demo-extra").delete()
    generate_network(seed=7, scale=2, password_for=fixed_password)
    second = list(Institution.objects.filter(key__startswith="demo-extra").order_by("key").values_list("region__code"))
    assert first == second
    assert Institution.objects.values("category").annotate(n=Count("id")).count() > 10


def test_the_command_prints_every_sign_in_and_keeps_passwords_out_of_the_repository(jeju, tmp_path, capsys):
    sign_ins = tmp_path / "sign-ins.json"
    call_command("generate_demo", "--seed", "3", "--sign-ins", str(sign_ins), "--no-incidents")
    out = capsys.readouterr().out
    passwords = json.loads(sign_ins.read_text())
    assert set(passwords) == {person.username for person in DEMO_USERS}
    for person in DEMO_USERS:
        assert person.username in out
        assert passwords[person.username] in out
        assert User.objects.get(username=person.username).check_password(passwords[person.username])
    assert oct(sign_ins.stat().st_mode & 0o777) == "0o600"
    # A second run reuses the same passwords.
    call_command("generate_demo", "--seed", "3", "--sign-ins", str(sign_ins), "--no-incidents")
    assert json.loads(sign_ins.read_text()) == passwords
