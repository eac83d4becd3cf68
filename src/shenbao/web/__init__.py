"""The server-rendered UI, split by audience (public/, applicant/, reviewer/, staff/)."""
