from __future__ import annotations

from hypothesis import HealthCheck, settings

# One profile everywhere: CI must not run a different (weaker or slower) suite.
settings.register_profile(
    "jia", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("jia")
