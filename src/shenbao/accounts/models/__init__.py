from shenbao.accounts.models.api_token import ApiToken, token_digest
from shenbao.accounts.models.organisation import Membership, Organisation
from shenbao.accounts.models.person import Person, PreviousAward
from shenbao.accounts.models.publication import Publication
from shenbao.accounts.models.user import User

__all__ = ["ApiToken", "Membership", "Organisation", "Person", "PreviousAward", "Publication", "User", "token_digest"]
