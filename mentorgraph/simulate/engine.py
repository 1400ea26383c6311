"""Runs a simulation on an empty, migrated database that Tortoise is connected to.

Time moves in sweeps (every `sweep_hours` simulated hours): first whatever people planned before
the sweep, each at its own instant of the project's clock; then the real sweep (reminders,
expiry, silent mentors); then the postman hands out the emails the rules queued meanwhile.
One process, one step at a time: the same seed makes the same steps, rows and report.
"""

from __future__ import annotations

from typing import TextIO

from mentorgraph.models import clock
from mentorgraph.models.sweep import sweep
from mentorgraph.simulate import mentees, mentors, visits
from mentorgraph.simulate.accounts import store_population
from mentorgraph.simulate.agenda import move_clock_to
from mentorgraph.simulate.config import SimConfig
from mentorgraph.simulate.outcomes import Outcomes, measure
from mentorgraph.simulate.population import plan_population
from mentorgraph.simulate.postman import Postman
from mentorgraph.simulate.world import World

__all__ = ["simulate"]


async def simulate(config: SimConfig, progress: TextIO | None = None) -> Outcomes:
    population = plan_population(config)
    move_clock_to(0)
    try:
        world = World(config, population, await store_population(population))
        for mentee_id in sorted(world.mentees):
            mentees.arrive(world, mentee_id)
        mentors.start_holidays(world)
        await visits.seen_before_the_start(world)
        visits.start_visits(world)
        postman = Postman(world)
        step = config.sweep_hours * 3600
        end = config.days * 86400
        for tick in range(step, end + 1, step):
            while (at := world.agenda.next_time()) is not None and at < tick:
                at, action = world.agenda.pop()
                world.now = at
                move_clock_to(at)
                await action()
            world.now = tick
            move_clock_to(tick)
            await sweep()
            await postman.round()
            if progress is not None and tick % 86400 == 0:
                print(f"\rday {tick // 86400}/{config.days}", end="", file=progress, flush=True)
        if progress is not None:
            print(file=progress)
        return await measure(config, world.suggested, world.refusals)
    finally:
        clock.reset()
