// \(m) module; see docs/architecture.md.
