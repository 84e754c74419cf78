"""Commands that report on the model: check, outline, normalize, and selecting sections by name."""
