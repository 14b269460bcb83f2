extension Dictionary {
    /// Stores `value` under `key` unless the key already has a value, which is then kept and
    /// returned: "first one wins" with one hashed look-up when the key is new (the usual case
    /// in the loader's and the site builder's tables of 100,000 ids).
    @discardableResult
    package mutating func keepingFirst(_ value: Value, forKey key: Key) -> Value? {
        guard let earlier = updateValue(value, forKey: key) else { return nil }
        self[key] = earlier
        return earlier
    }

    /// The value under `key`, made with `make` and stored the first time the key is asked for.
    package mutating func value(forKey key: Key, orInsert make: () -> Value) -> Value {
        if let value = self[key] { return value }
        let value = make()
        self[key] = value
        return value
    }
}
