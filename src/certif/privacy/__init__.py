"""The candidates' personal data: how long each kind is kept, their export and their anonymisation (RGPD)."""
