// xunit wrappers of VerifyTests (see Facts.cs; compiled only by Presigner.Tests.csproj).
using Xunit;

namespace Presigning.Tests
{
    [Collection("presigner")]
    public class VerifyFacts
    {
        [Fact] public void SuiteCasesVerifyWithTheRightSecretOnly() { VerifyTests.SuiteCasesVerifyWithTheRightSecretOnly(); }
        [Fact] public void PresignedHereVerifiesAndEachForgeryIsRejected() { VerifyTests.PresignedHereVerifiesAndEachForgeryIsRejected(); }
        [Fact] public void EveryVerificationCode() { VerifyTests.EveryVerificationCode(); }
        [Fact] public void SessionTokensAndCredentials() { VerifyTests.SessionTokensAndCredentials(); }
        [Fact] public void LookupFunction() { VerifyTests.LookupFunction(); }
        [Fact] public void HttpRequestMessageOverloads() { VerifyTests.HttpRequestMessageOverloads(); }
        [Fact] public void ArgumentsAreCheckedInManagedCode() { VerifyTests.ArgumentsAreCheckedInManagedCode(); }
        [Fact] public void SixteenThreadsShareOneKeyring() { VerifyTests.SixteenThreadsShareOneKeyring(); }
    }
}
