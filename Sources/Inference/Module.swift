// Inference module; see docs/architecture.md.
