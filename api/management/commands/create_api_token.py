from commissions.management.base import AttainCommand

from ...tokens import create_token


class Command(AttainCommand):
    help = "Make a personal API token for a person; prints the key once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="e-mail of the person the token acts as")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. 'payroll export'")

    def handle(self, *args, user, name, **options):
        token, key = create_token(self.user(user), name)
        self.stdout.write(
            f"Token {token.prefix}… ({name}) for {token.user.email}. Keep this key; it is not shown again:"
        )
        self.stdout.write(key)
