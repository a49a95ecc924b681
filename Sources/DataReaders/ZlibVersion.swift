import CZlib

/// The version of the zlib library linked in, e.g. `1.2.13`.
public func zlibVersionString() -> String { String(cString: zlibVersion()) }
