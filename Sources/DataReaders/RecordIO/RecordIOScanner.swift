import MLCore

/// Walks the RecordIO records of one in-memory buffer, reassembling multi-part records.
///
/// Whole records (the only kind the SageMaker SDK writes) are returned as views into the buffer,
/// without copying; a multi-part record is copied once into the scanner's scratch buffer, with
/// the magic put back between its parts. Errors name the file and the byte offset of the header
/// at fault: a wrong magic, a part flag out of sequence, a record that runs past the end of the
/// data. A buffer that ends in fewer than 8 zero bytes after the last record is accepted.
struct RecordIOScanner {
    let base: UnsafePointer<UInt8>?
    let count: Int
    let name: String
    /// The offset of the next header.
    private(set) var offset: Int
    /// The byte offset of `base` in its file (a block of a file read in blocks): added to the
    /// offsets returned and named in messages.
    let origin: Int
    private var scratch = GrowableBuffer<UInt8>()

    init(base: UnsafePointer<UInt8>?, count: Int, name: String, offset: Int = 0, origin: Int = 0) {
        self.base = base
        self.count = count
        self.name = name
        self.offset = offset
        self.origin = origin
    }

    mutating func deallocate() { scratch.deallocate() }

    /// The next record's payload and the byte offset of its (first) header, or nil at the end.
    @inline(__always)
    mutating func next() throws -> (payload: UnsafeRawBufferPointer, offset: Int)? {
        guard let base, offset < count else { return nil }
        let recordOffset = offset
        // A whole record with a sound header: the common case, inline.
        if count - offset >= 8 {
            let raw = UnsafeRawPointer(base + offset)
            let word = UInt32(littleEndian: (raw + 4).loadUnaligned(as: UInt32.self))
            let length = Int(word & 0x1FFF_FFFF)
            if UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)) == RecordIOFraming.magic,
               word >> 29 == 0, length <= count - offset - 8 {
                offset += 8 + length + RecordIOFraming.padding(length)
                return (UnsafeRawBufferPointer(start: base + recordOffset + 8, count: length), origin + recordOffset)
            }
        }
        return try nextChecked()
    }

    /// `next()` for everything but a whole record with a sound header: multi-part records,
    /// trailing padding and the errors.
    @inline(never)
    private mutating func nextChecked() throws -> (payload: UnsafeRawBufferPointer, offset: Int)? {
        guard let base else { return nil }
        let recordOffset = offset
        var (part, length) = try header(at: offset)
        guard let (start, first) = part else { return nil }
        if first == .whole {
            offset = start + length + RecordIOFraming.padding(length)
            return (UnsafeRawBufferPointer(start: base + start, count: length), origin + recordOffset)
        }
        guard first == .first else {
            throw OptmlError.user("\(name): the RecordIO record at byte offset \(origin + recordOffset) is a "
                + "\(first == .middle ? "middle" : "last") part (continuation flag \(first.rawValue)) without a first "
                + "part before it. The file is not valid RecordIO (was it cut or concatenated mid-record?).")
        }
        scratch.truncate(to: 0)
        var partStart = start
        var flag = first
        while true {
            for i in 0..<length { scratch.append(base[partStart + i]) }
            offset = partStart + length + RecordIOFraming.padding(length)
            if flag == .last { break }
            for byte in [0x0A, 0x23, 0xD7, 0xCE] as [UInt8] { scratch.append(byte) }
            let partOffset = offset
            guard offset < count else {
                throw OptmlError.user("\(name): the multi-part RecordIO record at byte offset \(origin + recordOffset) ends "
                    + "at byte offset \(origin + offset) before its last part (truncated file).")
            }
            (part, length) = try header(at: offset)
            guard let (nextStart, nextFlag) = part, nextFlag == .middle || nextFlag == .last else {
                throw OptmlError.user("\(name): the multi-part RecordIO record at byte offset \(origin + recordOffset) continues "
                    + "at byte offset \(origin + partOffset) with a part whose continuation flag is "
                    + "\(part.map { String($0.1.rawValue) } ?? "missing") (expected 2 for a middle part or 3 for the last).")
            }
            partStart = nextStart
            flag = nextFlag
        }
        return (UnsafeRawBufferPointer(start: scratch.base, count: scratch.count), origin + recordOffset)
    }

    /// Checks the header at `at`: returns the payload start and flag (nil for trailing zero
    /// padding at the end of the data) and the payload length.
    private func header(at offset: Int) throws -> (part: (Int, RecordIOFraming.Part)?, length: Int) {
        let base = self.base!
        let at = offset
        if count - at < 8 {
            if (at..<count).allSatisfy({ base[$0] == 0 }) { return (nil, 0) }
            throw OptmlError.user("\(name): \(count - at) bytes at byte offset \(origin + at) are too few for a RecordIO "
                + "header (8 bytes: magic 0A 23 D7 CE and a length). The file is truncated or not RecordIO.")
        }
        let raw = UnsafeRawPointer(base + at)
        let magic = UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self))
        guard magic == RecordIOFraming.magic else {
            let bytes = (0..<4).map { hex(base[at + $0]) }.joined(separator: " ")
            throw OptmlError.user("\(name): expected the RecordIO magic 0A 23 D7 CE at byte offset \(origin + at), found "
                + "\(bytes). \(origin + at == 0 ? mismatchHint() : "The file is corrupt or a record length is wrong.")")
        }
        let word = UInt32(littleEndian: (raw + 4).loadUnaligned(as: UInt32.self))
        let length = Int(word & 0x1FFF_FFFF)
        let flag = RecordIOFraming.Part(rawValue: word >> 29)
        guard let flag else {
            throw OptmlError.user("\(name): the RecordIO header at byte offset \(origin + at) has continuation flag "
                + "\(word >> 29) (expected 0 to 3). The file is corrupt.")
        }
        guard length <= count - at - 8 else {
            throw OptmlError.user("\(name): the RecordIO record at byte offset \(origin + at) declares \(length) payload bytes "
                + "but only \(count - at - 8) follow (truncated file).")
        }
        return ((at + 8, flag), length)
    }

    private func mismatchHint() -> String {
        guard let base else { return "" }
        let guess = FormatSniffer.guess(base, base + count)
        if let phrase = guess.phrase, guess != .recordIO {
            return "The file looks like \(phrase), not RecordIO-protobuf: set the channel's ContentType to match the data."
        }
        return "The file is not RecordIO-protobuf."
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
