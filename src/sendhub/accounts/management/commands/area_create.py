"""sendhub area create: add a local area and invite its first administrator."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from sendhub.accounts.models import LocalArea, Organisation, Role
from sendhub.accounts.services import invitation_create, invitation_url


class Command(BaseCommand):
    help = (
        "Add a local area (council + ICB partnership) with its local authority organisation, and email an "
        "invitation to its first area administrator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Area name, e.g. Lancashire")
        parser.add_argument("--la-code", required=True, help="Three-digit old LA code, e.g. 888")
        parser.add_argument("--ons-code", required=True, help="Nine-character new LA code, e.g. E10000017")
        parser.add_argument("--region", required=True, choices=LocalArea.Region.values, help="Region, e.g. north_west")
        parser.add_argument("--slug", help="Web address part; defaults to the name in lower case")
        parser.add_argument("--council", help="Local authority name; defaults to '<name> Council'")
        parser.add_argument("--admin-email", required=True, help="Email of the first area administrator")
        parser.add_argument("--admin-name", required=True, help="Full name of the first area administrator")

    def handle(self, *args, **options):
        name = options["name"].strip()
        la_code, ons_code = options["la_code"].strip(), options["ons_code"].strip().upper()
        slug = options["slug"] or slugify(name)
        if not re.fullmatch(r"\d{3}", la_code):
            raise CommandError(f"--la-code must be three digits, e.g. 888 (got {la_code!r})")
        if not re.fullmatch(r"[EW]\d{8}", ons_code):
            raise CommandError(f"--ons-code must be a letter E or W and 8 digits, e.g. E10000017 (got {ons_code!r})")
        for field, value in (("name", name), ("slug", slug), ("la_code", la_code), ("ons_code", ons_code)):
            if LocalArea.objects.filter(**{f"{field}__iexact": value}).exists():
                raise CommandError(f"An area with {field.replace('_', ' ')} {value!r} already exists")
        with transaction.atomic():
            area = LocalArea.objects.create(
                name=name, slug=slug, la_code=la_code, ons_code=ons_code, region=options["region"]
            )
            council = Organisation.objects.create(
                area=area, name=options["council"] or f"{name} Council", kind=Organisation.Kind.LOCAL_AUTHORITY
            )
            invitation = invitation_create(
                area=area,
                email=options["admin_email"],
                full_name=options["admin_name"],
                role=Role.ADMINISTRATOR,
                organisation=council,
                invited_by=None,
            )
        self.stdout.write(
            self.style.SUCCESS(f"Created {area.name} (/areas/{area.slug}/) and invited {invitation.email}.")
        )
        self.stdout.write(f"Invitation link (also emailed; works once): {invitation_url(invitation)}")
