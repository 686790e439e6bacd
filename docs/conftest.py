"""Pages that need an optional extra are skipped when it is not installed."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("torch") else ["examples/torch_model.md"]
