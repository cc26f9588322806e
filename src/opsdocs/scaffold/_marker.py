"""The marker ``opsdocs init`` leaves where only a person can answer; drift rule todo-marker finds it."""

TODO = "TODO(opsdocs)"
WORKFLOW = ".github/workflows/opsdocs-nightly.yml"  # the nightly verify workflow init writes
