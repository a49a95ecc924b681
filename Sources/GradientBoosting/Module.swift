// GradientBoosting module; see docs/architecture.md.
