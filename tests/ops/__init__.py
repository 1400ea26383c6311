"""Tests of running the server (mentorgraph/): settings, the CLI, deployment, migrations, database
connections and the read replica, metrics, logs and tracing, the demo, the simulation, and the
README and reference docs.
"""
