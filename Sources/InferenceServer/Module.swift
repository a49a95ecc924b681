// InferenceServer module; see docs/architecture.md.
