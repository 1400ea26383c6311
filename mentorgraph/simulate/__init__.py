"""`mentorgraph simulate`: days of synthetic behaviour through the real rules, measured.

`population` plans who takes part, `engine` moves the project's clock and runs the real sweep
while `mentors` and `mentees` act (learning of things from the outbox, `postman`), `outcomes`
measures what the database holds afterwards, `report` and `plots` show it, `run` ties them to
a throw-away database (`database`).
"""

from mentorgraph.simulate.config import SimConfig
from mentorgraph.simulate.run import run_simulation

__all__ = ["SimConfig", "run_simulation"]
