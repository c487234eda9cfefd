import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jss.accounts.models import Membership, User
from jss.demo.services import DEMO_USERS, generate_network
from jss.lib.yamlfile import DataFileError


class Command(BaseCommand):
    help = (
        "Generate the Jeju demo network (institutions and a user per role). Deterministic for a --seed; "
        "re-running reuses what exists. Demo passwords are random and kept in --sign-ins (not in the repo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--scale", type=int, default=1, help="1 = Jeju (71 institutions); N multiplies")
        parser.add_argument("--sign-ins", type=Path, default=settings.BASE_DIR / "var" / "demo-sign-ins.json")

    def handle(self, *args: Any, seed: int, scale: int, sign_ins: Path, **options: Any) -> None:
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        passwords: dict[str, str] = json.loads(sign_ins.read_text()) if sign_ins.exists() else {}

        def password_for(username: str) -> str:
            passwords.setdefault(username, f"jss-{secrets.token_urlsafe(9)}")
            return passwords[username]

        try:
            result = generate_network(seed=seed, scale=scale, password_for=password_for)
        except DataFileError as error:
            raise CommandError(str(error)) from error
        sign_ins.parent.mkdir(parents=True, exist_ok=True)
        sign_ins.write_text(json.dumps(passwords, indent=2, ensure_ascii=False))
        sign_ins.chmod(0o600)
        self.stdout.write(
            f"Demo network: {result.institutions_created_or_updated} institutions created or updated, "
            f"{len(result.users_created)} users created."
        )
        self.print_sign_ins(passwords)

    def print_sign_ins(self, passwords: dict[str, str]) -> None:
        memberships = {
            m.user.username: m
            for m in Membership.objects.select_related("user", "institution", "station").filter(
                user__username__in=[person.username for person in DEMO_USERS]
            )
        }
        self.stdout.write("\nSign in as (username / password — role, institution):")
        for person in DEMO_USERS:
            membership = memberships.get(person.username)
            password = passwords.get(person.username, "(password set elsewhere)")
            if membership is None or not User.objects.filter(username=person.username, is_active=True).exists():
                continue
            role = membership.get_role_display()
            self.stdout.write(f"  {person.username:<22} {password:<18} {role}, {membership.institution.name_ko}")
