import Foundation
import MLCore
import Testing
@testable import DataReaders

// contract §1.5: every file under the channel folder, sub-folders included; skip names starting
// with '.' or '_' (Spark's _SUCCESS); an empty channel is "No data in <channel> channel path <path>".
@Suite("Channel folders")
struct ChannelDirectoryTests {
    @Test func listsDataFilesRecursivelySorted() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("b.csv", "1,2\n")
        try folder.write("a.csv", "1,2\n")
        try folder.write("sub/c.csv", "1,2\n")
        try folder.write("sub/deeper/d.csv", "1,2\n")
        try folder.write("sub/B.csv", "1,2\n")
        try folder.write("z.csv.gz", gzipped(Data("1,2\n".utf8)))
        try folder.write(".hidden", "1,2\n")
        try folder.write("_SUCCESS", "")
        try folder.write("_metadata", "not data\n")
        try folder.write("sub/.crc", "x\n")
        try folder.write("_temporary/part-0.csv", "1,2\n")
        try folder.write(".git/config", "x\n")
        try folder.write("empty.csv", "")
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("emptydir"), withIntermediateDirectories: true)

        let files = try ChannelDirectory.files(in: folder.url, channel: "train")
        #expect(files.map(\.relativePath) == ["a.csv", "b.csv", "sub/B.csv", "sub/c.csv", "sub/deeper/d.csv", "z.csv.gz"])
        #expect(files[3].url.path == folder.url.appendingPathComponent("sub/c.csv").path)
    }

    @Test func followsLinksButNotCycles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("data/a.csv", "1,2\n")
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("data/loop"), withDestinationURL: folder.url.appendingPathComponent("data"))
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("data/link.csv"), withDestinationURL: folder.url.appendingPathComponent("data/a.csv"))
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("data/dangling.csv"), withDestinationURL: folder.url.appendingPathComponent("nowhere"))
        let files = try ChannelDirectory.files(in: folder.url.appendingPathComponent("data"), channel: "train")
        #expect(files.map(\.relativePath) == ["a.csv", "link.csv"])
    }

    @Test func missingFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("validation").path
        #expect(errorMessage { _ = try ChannelDirectory.files(in: URL(fileURLWithPath: path), channel: "validation") }
            == "No data in validation channel path \(path): the folder does not exist.")
        #expect(errorKind { _ = try ChannelDirectory.files(in: URL(fileURLWithPath: path), channel: "validation") } == .user)
    }

    @Test func folderWithoutDataFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("_SUCCESS", "")
        try folder.write(".keep", "x")
        try folder.write("empty.csv", "")
        #expect(errorMessage { _ = try ChannelDirectory.files(in: folder.url, channel: "train") }
            == "No data in train channel path \(folder.url.path): the folder holds no data files "
            + "(empty files and names starting with '.' or '_' are skipped).")
    }

    @Test func fileInsteadOfFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("train", "1,2\n")
        let url = folder.url.appendingPathComponent("train")
        #expect(errorMessage { _ = try ChannelDirectory.files(in: url, channel: "train") }
            == "No data in train channel path \(url.path): it is a file, not a folder.")
    }
}
