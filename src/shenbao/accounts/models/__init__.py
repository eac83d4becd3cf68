from shenbao.accounts.models.organisation import Membership, Organisation
from shenbao.accounts.models.person import Person, PreviousAward
from shenbao.accounts.models.user import User

__all__ = ["Membership", "Organisation", "Person", "PreviousAward", "User"]
