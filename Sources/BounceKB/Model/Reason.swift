/// Whether a bounce is worth retrying.
public enum Permanence: String, Codable, CaseIterable, Sendable, Comparable {
    /// Retrying the same message to the same address will fail again.
    case permanent
    /// The condition may clear; the sending server normally retries by itself.
    case transient
    /// Not a failure at all (delivery reports, auto-replies).
    case none

    public static func < (lhs: Permanence, rhs: Permanence) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What the sender should do about a bounce.
public enum Action: String, Codable, CaseIterable, Sendable {
    case suppressAddress = "suppress-address"
    case retryLater = "retry-later"
    case fixSenderConfig = "fix-sender-config"
    case fixContent = "fix-content"
    case contactRecipient = "contact-recipient"
    case none

    /// A short imperative label for people.
    public var label: String {
        switch self {
        case .suppressAddress: return "Stop mailing this address"
        case .retryLater: return "Retry later"
        case .fixSenderConfig: return "Fix the sending setup"
        case .fixContent: return "Change the message"
        case .contactRecipient: return "Contact the recipient another way"
        case .none: return "Nothing to do"
        }
    }
}

/// A cause family from the project's bounce-reason taxonomy, with the defaults its entries inherit.
public struct Reason: Codable, Equatable, Hashable, Sendable, Identifiable {
    public var id: String
    public var permanence: Permanence
    public var action: Action
    /// What the reason covers, in one line.
    public var description: String

    public init(id: String, permanence: Permanence, action: Action, description: String) {
        self.id = id
        self.permanence = permanence
        self.action = action
        self.description = description
    }
}
