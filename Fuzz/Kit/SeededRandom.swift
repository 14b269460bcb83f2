/// SplitMix64: a small, fast generator whose whole state is one number, so any input of a fuzz
/// run can be made again from the run's seed and the input's index alone.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The generator for input `index` of a run seeded with `seed`: independent streams, so
    /// replaying one input does not require generating the ones before it.
    public init(seed: UInt64, index: Int) {
        var mixer = SeededRandom(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<2 { _ = mixer.next() }
        state = mixer.next() &+ UInt64(truncatingIfNeeded: index) &* 0xBF58_476D_1CE4_E5B9
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0).
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(max(1, bound)))
    }

    /// True with probability `percent` / 100.
    public mutating func chance(_ percent: Int) -> Bool {
        below(100) < percent
    }

    /// A random element (the array must not be empty).
    public mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// A size skewed towards small values: most inputs are short, a few reach `maximum`.
    public mutating func skewedSize(maximum: Int) -> Int {
        let bits = below(Int.bitWidth - maximum.leadingZeroBitCount + 1)
        return min(maximum, below(1 << bits) + 1)
    }
}
