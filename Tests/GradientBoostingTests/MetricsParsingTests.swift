import Testing
@testable import GradientBoosting
import MLCore

@Suite struct MetricsParsingTests {
    @Test(arguments: [("rmse", "rmse"), ("error", "error"), ("error@0.7", "error@0.7"), ("error@0.5", "error"),
                      ("tweedie-nloglik@1.3", "tweedie-nloglik@1.3"), ("poisson-nloglik", "poisson-nloglik"),
                      ("aucpr", "aucpr"), ("gamma-deviance", "gamma-deviance")])
    func parsesAndPrintsXGBoostNames(text: String, printed: String) throws {
        #expect(try EvalMetric(parsing: text).name == printed)
    }

    @Test func unknownMetricListsTheValidNames() {
        #expect(throws: OptmlError.self) { try EvalMetric(parsing: "rmsee") }
        do { _ = try EvalMetric(parsing: "rmsee") } catch let e as OptmlError {
            #expect(e.kind == .user)
            #expect(e.message.contains("'rmsee'") && e.message.contains("logloss"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func badThresholdSaysFloatExpected() {
        do { _ = try EvalMetric(parsing: "error@abc"); Issue.record("accepted error@abc") } catch let e as OptmlError {
            #expect(e.message == "Threshold value 'abc' in 'error@abc' expects float input.")
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func directionsAndDefaults() {
        #expect(EvalMetric.auc.higherIsBetter && EvalMetric.aucpr.higherIsBetter)
        #expect(!EvalMetric.logloss.higherIsBetter && !EvalMetric.rmse.higherIsBetter)
        #expect(EvalMetric.defaultMetric(for: Objective(kind: .binaryLogistic)) == .logloss)
        #expect(EvalMetric.defaultMetric(for: Objective(kind: .multiSoftprob, classCount: 3)) == .mlogloss)
        #expect(EvalMetric.defaultMetric(for: Objective(kind: .tweedie, tweedieVariancePower: 1.2)).name == "tweedie-nloglik@1.2")
    }
}
