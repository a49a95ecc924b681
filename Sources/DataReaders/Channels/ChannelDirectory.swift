import Foundation
import MLCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the data files of a File- or FastFile-mode channel folder (contract §1.5).
public enum ChannelDirectory {
    /// All non-empty regular files under `directory`, sub-folders included, sorted by relative
    /// path (byte order, as `ls` in the C locale).
    ///
    /// Files and folders whose names start with `.` or `_` are skipped at any depth (hidden files,
    /// Spark's `_SUCCESS`), as are zero-byte files. Symbolic links are followed; a folder reached
    /// twice (a link cycle) is listed once. A channel without any data file is a user error:
    /// `No data in <channel> channel path <path>: …`, the wording XGBoost uses.
    public static func files(in directory: URL, channel: String) throws -> [ChannelFile] {
        let root = directory.path
        var info = stat()
        guard stat(root, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR {
                throw OptmlError.user("No data in \(channel) channel path \(root): the folder does not exist.")
            }
            throw ioError("Cannot inspect the \(channel) channel folder \(root)")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw OptmlError.user("No data in \(channel) channel path \(root): it is a file, not a folder.")
        }
        var found: [ChannelFile] = []
        var visited: Set<FileIdentity> = [FileIdentity(info)]
        try walk(directory, relative: "", channel: channel, visited: &visited, into: &found)
        guard !found.isEmpty else {
            throw OptmlError.user("No data in \(channel) channel path \(root): the folder holds no data files "
                + "(empty files and names starting with '.' or '_' are skipped).")
        }
        return found.sorted { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
    }

    private struct FileIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    private static func walk(_ folder: URL, relative: String, channel: String,
                             visited: inout Set<FileIdentity>, into found: inout [ChannelFile]) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw OptmlError.platform("Cannot list the \(channel) channel folder \(folder.path): \(error.localizedDescription)")
        }
        for name in names where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let url = folder.appendingPathComponent(name)
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            // A dangling link is not data: skip it like any other non-file.
            guard stat(url.path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if visited.insert(FileIdentity(info)).inserted {
                    try walk(url, relative: path, channel: channel, visited: &visited, into: &found)
                }
            case S_IFREG where info.st_size > 0:
                found.append(ChannelFile(url: url, relativePath: path))
            default:
                continue
            }
        }
    }
}
