"""Demo accounts for a local trial (``certif init --demo``, used by ``make run``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

DEMO_ADMIN = ("admin", "certif-demo")


def install_demo() -> list[str]:
    """Create the demo accounts if absent; return the lines telling how to log in."""
    User = get_user_model()
    username, password = DEMO_ADMIN
    if not User.objects.filter(username=username).exists():
        User.objects.create_superuser(username, f"{username}@example.org", password)
    return [
        "Comptes de démonstration :",
        f"  administrateur : identifiant « {username} », mot de passe « {password} »",
    ]
