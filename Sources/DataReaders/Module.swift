import CZlib
/// The zlib version linked in.
public func zlibVersionString() -> String { String(cString: zlibVersion()) }
