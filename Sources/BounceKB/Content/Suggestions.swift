/// "Did you mean …?" suggestions for misspelt ids, fields and names.
enum Suggestions {
    /// The candidate nearest to `word` by edit distance, when it is close enough to be a
    /// plausible typo. `aliases` maps other spellings people use (e.g. Sisimai's `userunknown`)
    /// to the candidate they stand for. Ties go to the earlier candidate, so results are stable.
    static func closest(to word: String, in candidates: [String], aliases: [(alias: String, target: String)] = []) -> String? {
        let needle = word.lowercased()
        var best: (distance: Int, target: String)?
        let pool = candidates.map { ($0.lowercased(), $0) } + aliases.map { ($0.alias.lowercased(), $0.target) }
        for (spelling, target) in pool {
            let distance = editDistance(needle, spelling)
            if distance < (best?.distance ?? Int.max) {
                best = (distance, target)
            }
        }
        let limit = max(2, min(needle.count, 40) / 3)
        if let best, best.distance <= limit { return best.target }
        // A clipped spelling ("retry" for "retry-later") is too far by edit distance but unambiguous.
        let extended = Set(pool.filter { needle.count >= 3 && $0.0.hasPrefix(needle) }.map(\.1))
        return extended.count == 1 ? extended.first : nil
    }

    /// Levenshtein distance over characters, O(n·m) time and O(m) memory.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(200))
        let b = Array(b.prefix(200))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
