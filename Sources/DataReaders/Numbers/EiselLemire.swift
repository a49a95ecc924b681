/// Parameters of a binary interchange format for the Eisel-Lemire algorithm.
struct BinaryFormatParameters {
    let mantissaExplicitBits: Int
    let minimumExponent: Int
    let infinitePower: Int
    let minExponentRoundToEven: Int
    let maxExponentRoundToEven: Int
    let smallestPowerOfTen: Int
    let largestPowerOfTen: Int

    static let binary64 = BinaryFormatParameters(
        mantissaExplicitBits: 52, minimumExponent: -1023, infinitePower: 0x7FF,
        minExponentRoundToEven: -4, maxExponentRoundToEven: 23,
        smallestPowerOfTen: -342, largestPowerOfTen: 308
    )
    static let binary32 = BinaryFormatParameters(
        mantissaExplicitBits: 23, minimumExponent: -127, infinitePower: 0xFF,
        minExponentRoundToEven: -17, maxExponentRoundToEven: 10,
        smallestPowerOfTen: -65, largestPowerOfTen: 38
    )
}

/// Correctly rounded (round-half-even) binary value of `w × 10^q`, as a biased exponent and the
/// explicit mantissa bits.
///
/// The Eisel-Lemire algorithm (D. Lemire, "Number Parsing at a Gigabyte per Second", 2021): one
/// or two 64×64→128-bit products of the normalised significand with the truncated 128-bit 5^q.
/// For `w` below 10^19 (at most 19 significant digits) the result is always exact, without the
/// fallback of the original paper (N. Mushtak and D. Lemire, "Fast Number Parsing Without
/// Fallback", 2023), which is why the scanner sends longer significands to the slow path.
/// `power2 == infinitePower` means an infinite result; `power2 == 0` a subnormal or zero.
@inline(always)
func eiselLemire(
    q: Int, w wInput: UInt64, format: BinaryFormatParameters, powersOfFive: UnsafePointer<UInt64>
) -> (mantissa: UInt64, power2: Int) {
    if wInput == 0 || q < format.smallestPowerOfTen { return (0, 0) }
    if q > format.largestPowerOfTen { return (0, format.infinitePower) }
    let leadingZeros = wInput.leadingZeroBitCount
    let w = wInput << UInt64(leadingZeros)

    // The product approximation keeps mantissaExplicitBits + 3 exact bits; when the bits below
    // them are all ones, a carry from the next 64 bits of 5^q could still change them.
    let index = 2 * (q + 342)
    var (high, low) = w.multipliedFullWidth(by: powersOfFive[index])
    let precisionMask = UInt64.max >> UInt64(format.mantissaExplicitBits + 3)
    if high & precisionMask == precisionMask {
        let second = w.multipliedFullWidth(by: powersOfFive[index + 1])
        let (sum, overflow) = low.addingReportingOverflow(second.high)
        low = sum
        if overflow { high &+= 1 }
    }

    let upperBit = Int(high >> 63)
    let shift = UInt64(upperBit + 64 - format.mantissaExplicitBits - 3)
    var mantissa = high >> shift
    // ((152170 + 65536) × q) >> 16 is floor(q × log2(10)) for every q in range.
    var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - leadingZeros - format.minimumExponent

    if power2 <= 0 {
        // Subnormal (or zero) result.
        if -power2 + 1 >= 64 { return (0, 0) }
        mantissa >>= UInt64(-power2 + 1)
        mantissa += mantissa & 1
        mantissa >>= 1
        // Rounding may carry into the smallest normal exponent.
        power2 = mantissa < (UInt64(1) << UInt64(format.mantissaExplicitBits)) ? 0 : 1
        return (mantissa, power2)
    }

    // Exactly halfway between two floats: only possible when 5^q fits in 64 bits, and then the
    // product is exact, so "all dropped bits are zero" is decidable. Round half to even.
    if low <= 1 && q >= format.minExponentRoundToEven && q <= format.maxExponentRoundToEven
        && mantissa & 3 == 1 && (mantissa << shift) == high
    {
        mantissa &= ~UInt64(1)
    }
    mantissa += mantissa & 1
    mantissa >>= 1
    if mantissa >= (UInt64(2) << UInt64(format.mantissaExplicitBits)) {
        mantissa = UInt64(1) << UInt64(format.mantissaExplicitBits)
        power2 += 1
    }
    mantissa &= ~(UInt64(1) << UInt64(format.mantissaExplicitBits))
    if power2 >= format.infinitePower { return (0, format.infinitePower) }
    return (mantissa, power2)
}
