from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "shenbao.cli"
    label = "cli"
