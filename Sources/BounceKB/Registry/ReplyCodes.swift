// The SMTP reply codes of shared/reference/reply-codes.tsv. Titles are the defining RFCs' reply
// texts (placeholders such as "<domain>" left out); explanations are our own.

extension CodeRegistry {
    /// Every reply code of RFC 5321, RFC 7504, RFC 3207 and RFC 4954, sorted by code.
    /// 220 has two uses (greeting and STARTTLS) and is one entry describing both.
    public static let replyCodes: [ReplyCodeInfo] = [
        ReplyCodeInfo(
            code: 211, title: "System status, or system help reply",
            explanation: "The server is answering a request for its status or for help; it is information, not the result of a delivery.",
            rfc: "RFC5321", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 214, title: "Help message",
            explanation: "The server is returning human-readable help text, usually in answer to HELP; it says nothing about any message.",
            rfc: "RFC5321", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 220, title: "Service ready / Ready to start TLS",
            explanation: "Used in two places: as the greeting it means the server is ready for an SMTP session, and as the answer to STARTTLS it means the server is ready to begin the TLS handshake; neither is a delivery result.",
            rfc: "RFC5321;RFC3207", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 221, title: "Service closing transmission channel",
            explanation: "The server is ending the session in an orderly way, normally because the client said QUIT.",
            rfc: "RFC5321", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 235, title: "Authentication succeeded",
            explanation: "The SMTP AUTH login worked, and the client may now send mail as the authenticated account.",
            rfc: "RFC4954", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 250, title: "Requested mail action okay, completed",
            explanation: "The server accepted the command; after the message data it means the server has taken over responsibility for delivering the message.",
            rfc: "RFC5321", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 251, title: "User not local; will forward to <forward-path>",
            explanation: "The recipient is not hosted on this server, but the server accepted the message anyway and will pass it on to where the recipient lives.",
            rfc: "RFC5321", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 252, title: "Cannot VRFY user, but will accept message and attempt delivery",
            explanation: "The server will not confirm whether the address exists (an answer to VRFY), but it will take mail for it and try to deliver it.",
            rfc: "RFC5321", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 334, title: "Server challenge",
            explanation: "During SMTP AUTH the server sent a base64-encoded challenge and is waiting for the client's next authentication step.",
            rfc: "RFC4954", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 354, title: "Start mail input; end with <CRLF>.<CRLF>",
            explanation: "The server is ready for the message itself; the client now sends the headers and body and ends them with a line holding a single dot.",
            rfc: "RFC5321", permanence: .none, impliedReason: nil),
        ReplyCodeInfo(
            code: 421, title: "Service not available, closing transmission channel",
            explanation: "The server will not go on for now and is closing the connection, because it is overloaded or shutting down or because it is throttling or temporarily blocking the sender; the sending server should retry later, and the text says which it is.",
            rfc: "RFC5321", permanence: .transient, impliedReason: nil),
        ReplyCodeInfo(
            code: 432, title: "A password transition is needed",
            explanation: "The account used for SMTP AUTH has to change its password, or log in once with a plain mechanism, before the chosen mechanism will work; it comes with 4.7.12.",
            rfc: "RFC4954", permanence: .transient, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 450, title: "Requested mail action not taken: mailbox unavailable",
            explanation: "The mailbox cannot be used right now, because it is busy or locked, or because of greylisting or a temporary policy block; the server asks the sender to try again later.",
            rfc: "RFC5321", permanence: .transient, impliedReason: nil),
        ReplyCodeInfo(
            code: 451, title: "Requested action aborted: local error in processing",
            explanation: "The receiving server hit a problem of its own while handling the message, or is deliberately deferring it (greylisting often answers 451); a later retry usually goes through.",
            rfc: "RFC5321", permanence: .transient, impliedReason: nil),
        ReplyCodeInfo(
            code: 452, title: "Requested action not taken: insufficient system storage",
            explanation: "The server cannot take the message now because it is short of storage, and the same code is also the standard answer when a message has more recipients than one transaction allows, so only the text or enhanced code tells which.",
            rfc: "RFC5321", permanence: .transient, impliedReason: nil),
        ReplyCodeInfo(
            code: 454, title: "TLS not available due to temporary reason / Temporary authentication failure",
            explanation: "Something temporary failed in the security layer: either STARTTLS cannot be started at the moment, or SMTP AUTH could not be checked (for example because the server's password store is unreachable); retry later.",
            rfc: "RFC3207;RFC4954", permanence: .transient, impliedReason: nil),
        ReplyCodeInfo(
            code: 455, title: "Server unable to accommodate parameters",
            explanation: "The server cannot honour the parameters given with MAIL FROM or RCPT TO at the moment, such as an ESMTP extension value; the same request may work later.",
            rfc: "RFC5321", permanence: .transient, impliedReason: nil),
        ReplyCodeInfo(
            code: 500, title: "Syntax error, command unrecognized",
            explanation: "The server did not understand the command line at all (an unknown command, or a line that is too long), which points to broken sending software or something in between mangling the session.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 501, title: "Syntax error in parameters or arguments",
            explanation: "The command was known but its arguments were malformed, very often a badly written address in MAIL FROM or RCPT TO.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 502, title: "Command not implemented",
            explanation: "The server does not support that command (for example VRFY, EXPN or an extension), so the client must do without it on this server.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 503, title: "Bad sequence of commands",
            explanation: "The commands came in an order the server does not accept, such as RCPT TO before MAIL FROM, or MAIL FROM before a required login.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 504, title: "Command parameter not implemented",
            explanation: "A parameter given with the command is not supported by this server, for example an unknown SMTP AUTH mechanism.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 521, title: "Server does not accept mail",
            explanation: "This host never accepts mail for anyone, whether it says so in the greeting or in answer to any command, so addresses that route here cannot receive anything.",
            rfc: "RFC7504", permanence: .permanent, impliedReason: "domain-rejects-mail"),
        ReplyCodeInfo(
            code: 530, title: "Must issue a STARTTLS command first / Authentication required",
            explanation: "The server wants a precondition met before it takes mail: either the connection must first be encrypted with STARTTLS, or the client must log in with SMTP AUTH; the text says which.",
            rfc: "RFC3207;RFC4954", permanence: .permanent, impliedReason: nil),
        ReplyCodeInfo(
            code: 534, title: "Authentication mechanism is too weak",
            explanation: "The server refuses the SMTP AUTH mechanism the client picked as too weak for this account (it comes with 5.7.9), so the client must use a stronger one.",
            rfc: "RFC4954", permanence: .permanent, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 535, title: "Authentication credentials invalid",
            explanation: "SMTP AUTH failed because the user name, password or token was wrong or the account may not log in (it comes with 5.7.8); fix the credentials of the sending client or relay.",
            rfc: "RFC4954", permanence: .permanent, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 538, title: "Encryption required for requested authentication mechanism",
            explanation: "The server only allows this SMTP AUTH mechanism over an encrypted connection (it comes with 5.7.11), so the client must start TLS before logging in.",
            rfc: "RFC4954", permanence: .permanent, impliedReason: "tls-required"),
        ReplyCodeInfo(
            code: 550, title: "Requested action not taken: mailbox unavailable",
            explanation: "The server permanently refused the request; it is the classic answer for a mailbox that does not exist, but it is just as often used for refused access and policy rejections, so the enhanced code and the text decide the cause.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: nil),
        ReplyCodeInfo(
            code: 551, title: "User not local; please try <forward-path>",
            explanation: "The recipient is not hosted on this server and the server will not forward the message, though it may name where to send it instead; some servers also use 551 to refuse relaying.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: nil),
        ReplyCodeInfo(
            code: 552, title: "Requested mail action aborted: exceeded storage allocation",
            explanation: "The message did not fit: either it is larger than the server accepts or the recipient's mailbox quota is used up, and the enhanced code (5.3.4 or 5.2.2, for example) tells which.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: nil),
        ReplyCodeInfo(
            code: 553, title: "Requested action not taken: mailbox name not allowed",
            explanation: "The server refuses the address itself, because its syntax is wrong or local policy forbids it; this can concern the sender's address as well as the recipient's.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: nil),
        ReplyCodeInfo(
            code: 554, title: "Transaction failed / No SMTP service here",
            explanation: "A permanent catch-all failure that is widely used for spam, block-list and policy rejections; as the very first reply on a connection it means the server offers no SMTP service to this client.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: nil),
        ReplyCodeInfo(
            code: 555, title: "MAIL FROM/RCPT TO parameters not recognized or not implemented",
            explanation: "The server does not know or support an ESMTP parameter sent with MAIL FROM or RCPT TO (such as SIZE, BODY or SMTPUTF8), so the client must not send it to this server.",
            rfc: "RFC5321", permanence: .permanent, impliedReason: "smtp-session-error"),
        ReplyCodeInfo(
            code: 556, title: "Domain does not accept mail",
            explanation: "The recipient's domain declares that it takes no mail at all, typically with a null MX record, so no address in it can receive messages.",
            rfc: "RFC7504", permanence: .permanent, impliedReason: "domain-rejects-mail"),
    ]
}
