"""Training and experiments: fits the models that ship in ``kg/extraction/models/`` from the annotated papers
in ``../shared/eval``. Not part of the installed package; run from a checkout (``python -m training.resolver``)."""
