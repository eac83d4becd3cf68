"""Applications: drafts, teams, partners, attachments, revisions and the application lifecycle."""
