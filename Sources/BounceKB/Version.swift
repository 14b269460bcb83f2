/// The release of BounceKB. Both tools print it for `--version`
/// (`CommandConfiguration(version: ProductVersion.current)`), so `bounce --version` and
/// `bouncekb --version` always agree; change it here and nowhere else.
///
/// Not named `BounceKB`: a type with the module's own name would hide the module, and
/// `BounceKB.Entry`-style qualified names would stop compiling.
public enum ProductVersion {
    /// Semantic version of both tools.
    public static let current = "0.1.0"
}
