import Foundation
import Testing
@testable import GradientBoosting

@Suite("Feature importance")
struct ModelImportanceTests {
    @Test("every importance type equals xgboost's get_score", arguments: ModelFixture.all)
    func matchesXGBoost(_ fixture: ModelFixture) throws {
        let ensemble = try fixture.ensemble()
        let expected = try fixture.importance()
        for kind in TreeEnsemble.ImportanceKind.allCases {
            let ours = ensemble.featureImportance(kind)
            let theirs = try #require(expected[kind.rawValue])
            for f in 0..<ensemble.featureCount {
                if let value = theirs["f\(f)"] {
                    let mine = try #require(ours[f], "\(kind) f\(f) missing")
                    #expect(abs(mine - value) <= 1e-5 * max(1, abs(value)), "\(kind) f\(f): \(mine) vs \(value)")
                } else {
                    #expect(ours[f] == nil, "\(kind) f\(f) is unused in xgboost")
                }
            }
        }
    }
}
