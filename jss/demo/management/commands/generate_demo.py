import datetime
import json
import secrets
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jss.accounts.models import Membership, User
from jss.demo.council import council_summary
from jss.demo.incidents import DemoDataError, GenerationResult, generate_incidents, open_flags_by_rule
from jss.demo.joint import joint_summary
from jss.demo.services import DEMO_USERS, generate_network
from jss.lib.yamlfile import DataFileError


class Command(BaseCommand):
    help = (
        "Generate the Jeju demo: the network (institutions and a user per role) and three years of incidents "
        "with the persons each institution recorded (docs/demo-data.md). Deterministic for a --seed; re-running "
        "reuses what exists. Demo passwords are random and kept in --sign-ins (not in the repo); the linkage "
        "truth goes to --truth."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--scale", type=int, default=1, help="1 = Jeju (71 institutions); N multiplies")
        parser.add_argument("--sign-ins", type=Path, default=settings.BASE_DIR / "var" / "demo-sign-ins.json")
        parser.add_argument("--years", type=int, default=3, help="years of incidents before --end (default 3)")
        parser.add_argument("--end", type=datetime.date.fromisoformat, help="last day of incidents (default today)")
        parser.add_argument(
            "--incident-scale", type=float, default=1.0, help="1 = Jeju's yearly rates; 0.1 = a tenth (quick tries)"
        )
        parser.add_argument("--no-incidents", action="store_true", help="the network and users only")
        parser.add_argument("--truth", type=Path, default=settings.BASE_DIR / "var" / "demo-truth.json")

    def handle(self, *args: Any, seed: int, scale: int, sign_ins: Path, **options: Any) -> None:
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        if options["years"] < 1:
            raise CommandError("--years must be 1 or more")
        if options["incident_scale"] <= 0:
            raise CommandError("--incident-scale must be above 0")
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
        if not options["no_incidents"]:
            started = time.perf_counter()
            try:
                generated = generate_incidents(
                    seed=seed,
                    end=options["end"],
                    years=options["years"],
                    scale=options["incident_scale"],
                    truth_path=options["truth"],
                )
            except DemoDataError as error:
                raise CommandError(str(error)) from error
            self.print_incidents(generated, seconds=time.perf_counter() - started)
        self.print_sign_ins(passwords)

    def print_incidents(self, generated: GenerationResult, *, seconds: float) -> None:
        saved, plan = generated.saved, generated.plan
        if plan is None:
            self.stdout.write(
                f"Demo incidents: {saved.already_present:,} of this seed already recorded, none added "
                "(start from an empty database to generate them anew)."
            )
            return
        first, last = plan.start.date(), plan.end.date() - datetime.timedelta(days=1)
        years = f"{plan.years} year" + ("s" if plan.years != 1 else "")
        self.stdout.write(
            f"Demo incidents: {saved.created:,} from {first} to {last} ({years}) in {seconds:.1f} s; "
            f"{saved.persons:,} person records of {len(set(saved.truth.values())):,} people, "
            f"{saved.households:,} households, {saved.relationships:,} relationships."
        )
        by_domain = Counter(incident.domain for incident in plan.incidents)
        self.stdout.write(
            "  per year: "
            + ", ".join(f"{domain} {count / plan.years:,.0f}" for domain, count in by_domain.most_common())
        )
        flags = open_flags_by_rule(now=timezone.now())
        self.stdout.write(
            f"  open repeat flags: {sum(flags.values()):,} ("
            + ", ".join(f"{rule} {count}" for rule, count in flags.items())
            + ")"
        )
        if generated.assessments:
            self.stdout.write(
                f"  risk assessments: {generated.assessments:,} by the demo caseworkers (jss/demo/assessments.py)"
            )
        self.stdout.write(f"  working councils: {council_summary()} (jss/demo/council.py)")
        self.stdout.write(f"  joint council: {joint_summary()} (jss/demo/joint.py)")
        if generated.truth_path is not None:
            self.stdout.write(f"  linkage truth: {generated.truth_path} (manage.py demo_linkage_quality scores it)")

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
