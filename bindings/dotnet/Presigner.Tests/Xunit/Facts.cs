// xunit wrappers over the shared test sources (compiled only by Presigner.Tests.csproj; the Mono
// runner calls the same methods directly). Keep one [Fact] per [Case] method.
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Presigning.Tests
{
    // The environment and the native library's thread-local state are process-wide: run serially.
    [Collection("presigner")]
    public class ErrorFacts
    {
        [Fact] public void CodeValuesEqualTheCStatuses() { ErrorTests.CodeValuesEqualTheCStatuses(); }
        [Fact] public void EveryReachableCoreCode() { ErrorTests.EveryReachableCoreCode(); }
        [Fact] public void CredentialSourcesAndTheirCodes() { ErrorTests.CredentialSourcesAndTheirCodes(); }
        [Fact] public void NullArgumentIsCaughtInManagedCode() { ErrorTests.NullArgumentIsCaughtInManagedCode(); }
        [Fact] public void InvalidUtf8IsImpossible() { ErrorTests.InvalidUtf8IsImpossible(); }
        [Fact] public void OutOfRangeArguments() { ErrorTests.OutOfRangeArguments(); }
        [Fact] public void CLevelOnlyCodesStillMap() { ErrorTests.CLevelOnlyCodesStillMap(); }
        [Fact] public void UseAfterDisposeThrowsObjectDisposed() { ErrorTests.UseAfterDisposeThrowsObjectDisposed(); }
    }

    [Collection("presigner")]
    public class FeatureFacts
    {
        [Fact] public void DocumentationExample() { FeatureTests.DocumentationExample(); }
        [Fact] public void ReusedOptionsFollowEveryChange() { FeatureTests.ReusedOptionsFollowEveryChange(); }
        [Fact] public void OptionsPutAndPresignMany() { FeatureTests.OptionsPutAndPresignMany(); }
        [Fact] public void PresignUrlAndSignRequest() { FeatureTests.PresignUrlAndSignRequest(); }
        [Fact] public void UriRewritesSomeKeysUrlStringDoesNot() { FeatureTests.UriRewritesSomeKeysUrlStringDoesNot(); }
        [Fact] public void SixteenThreadsMatchSingleThreaded() { FeatureTests.SixteenThreadsMatchSingleThreaded(); }
    }

    [Collection("presigner")]
    public class FastPathFacts
    {
        [Fact] public void EncoderMatchesStrictUtf8() { FastPathTests.EncoderMatchesStrictUtf8(); }
        [Fact] public void LoneSurrogatesAreArgumentExceptions() { FastPathTests.LoneSurrogatesAreArgumentExceptions(); }
        [Fact] public void LongKeysAndTokensGrowTheBuffers() { FastPathTests.LongKeysAndTokensGrowTheBuffers(); }
        [Fact] public void LazyFieldsAreTheSameInAnyOrderAndOnAnyThread() { FastPathTests.LazyFieldsAreTheSameInAnyOrderAndOnAnyThread(); }
        [Fact] public void PerThreadBuffersUnderSixteenThreads() { FastPathTests.PerThreadBuffersUnderSixteenThreads(); }
        [Fact] public void GetUrlOptionsAndErrors() { FastPathTests.GetUrlOptionsAndErrors(); }
    }

    [Collection("presigner")]
    public class VectorFacts
    {
        public static IEnumerable<object[]> Names() { return VectorTests.Cases().Select(c => new object[] { c.Key }); }

        [Theory]
        [MemberData(nameof(Names))]
        public void Vector(string name) { VectorTests.Cases().First(c => c.Key == name).Value(); }

        [Fact] public void VectorCount() { VectorTests.VectorCount(); }
    }

    /// <summary>Fails when a [Case] method has no [Fact] above (the Mono runner finds them by reflection).</summary>
    public class CoverageFacts
    {
        [Fact]
        public void EveryCaseHasAFact()
        {
            var cases = typeof(ErrorTests).Assembly.GetTypes()
                .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttributes(typeof(CaseAttribute), false).Length > 0))
                .Select(m => m.Name);
            var facts = typeof(CoverageFacts).Assembly.GetTypes()
                .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttributes(typeof(FactAttribute), false).Length > 0))
                .Select(m => m.Name);
            Assert.Empty(cases.Except(facts));
        }
    }
}
