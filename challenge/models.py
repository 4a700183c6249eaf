"""Every model, imported once so that SQLAlchemy and Alembic see the whole schema."""
from challenge.accounts.models import *  # noqa: F401,F403
from challenge.challenges.models import *  # noqa: F401,F403
from challenge.challenges.entry_questions import EntryQuestion  # noqa: F401
from challenge.platform.models import *  # noqa: F401,F403
from challenge.submissions.models import *  # noqa: F401,F403
from challenge.submissions.answers import EntryAnswer  # noqa: F401
from challenge.partnerships.models import *  # noqa: F401,F403
from challenge.library.models import *  # noqa: F401,F403
from challenge.diagnoses.models import *  # noqa: F401,F403
from challenge.payouts.models import *  # noqa: F401,F403
from challenge.judging.models import *  # noqa: F401,F403
from challenge.judging.pairwise_models import Comparison  # noqa: F401
from challenge.notifications.models import *  # noqa: F401,F403
from challenge.privacy.models import *  # noqa: F401,F403
from challenge.webhooks.models import *  # noqa: F401,F403
from challenge.submissions import counts  # noqa: F401,E402  (keeps submission_counts in step)
from challenge.challenges import counts as challenge_counts  # noqa: F401,E402  (keeps challenge_counts in step)
