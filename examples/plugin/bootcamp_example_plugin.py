"""An example task plugin: how long does a dropped object take to fall?"""

import math
import random

import bootcamp


@bootcamp.register
class FreeFall(bootcamp.Task):
    id = "physics/example_free_fall"
    description = "Time for an object dropped from rest to fall a given height (g = 9.81 m/s^2)."
    default_params = {"max_height": 500}

    def generate(self, rng: random.Random) -> dict:
        return {"height": round(rng.uniform(1, self.params["max_height"]), 1)}

    def prompt(self, identity: dict) -> str:
        return (f"An object is dropped from rest from a height of {identity['height']} m. Ignoring air "
                "resistance and taking g = 9.81 m/s^2, how many seconds does it take to reach the ground? "
                "Give a number within 1% in \\boxed{}.")

    def check(self, answer: str, identity: dict) -> float:
        try:
            value = float(answer.replace("s", "").strip())
        except ValueError:
            return bootcamp.invalid("not a number")
        return float(math.isclose(value, self._time(identity), rel_tol=0.01))

    def solve(self, identity: dict) -> str:
        return f"{self._time(identity):.3f}"

    @staticmethod
    def _time(identity: dict) -> float:
        return math.sqrt(2 * identity["height"] / 9.81)
