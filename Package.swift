// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "BounceKB",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bouncekb", targets: ["bouncekb"]),
        .executable(name: "bounce", targets: ["bounce"]),
        .library(name: "BounceKB", targets: ["BounceKB"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Up to the next minor version only: the front matter reader also imports Yams' bundled
        // libyaml (its `CYaml` module, not a product of the package) to read parser events.
        .package(url: "https://github.com/jpsim/Yams", .upToNextMinor(from: "6.2.2")),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .target(name: "Markdown", dependencies: ["CCmark"]),
        .target(
            name: "BounceKB",
            dependencies: ["Markdown", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "SiteBuilder",
            dependencies: ["BounceKB", "Markdown", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(
            name: "PreviewServer",
            dependencies: [
                "SiteBuilder", "BounceKB",
                .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        .executableTarget(
            name: "bouncekb",
            dependencies: ["SiteBuilder", "BounceKB", "PreviewServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "bounce",
            dependencies: ["BounceKB", "Markdown", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // FuzzKit for its seeded generator, in the tests that hold a fast path to the slow one
        // on generated input.
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown", "FuzzKit"]),
        .testTarget(name: "BounceKBTests", dependencies: ["BounceKB", "FuzzKit"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SiteBuilderTests", dependencies: ["SiteBuilder", "BounceKB"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CommandTests", dependencies: ["BounceKB"]),
        .testTarget(name: "PreviewServerTests", dependencies: ["PreviewServer", "SiteBuilder", "BounceKB"]),
        // Hardening: a seeded fuzz harness (Fuzz/) shared by the `fuzz-driver` executable that
        // Fuzz/run.sh drives and by the short deterministic slice in HardeningTests.
        .target(name: "FuzzKit", dependencies: ["BounceKB", "Markdown", "SiteBuilder"], path: "Fuzz/Kit"),
        .executableTarget(name: "fuzz-driver", dependencies: ["FuzzKit", "BounceKB"], path: "Fuzz/Driver"),
        .testTarget(
            name: "HardeningTests",
            dependencies: ["BounceKB", "SiteBuilder", "Markdown", "FuzzKit"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
