// Quantity parsing and canonical formatting, checked against the examples in
// k8s.io/apimachinery/pkg/api/resource (quantity.go's documentation and quantity_test.go's
// tables), re-expressed here as (input, canonical string) pairs.
#include "model/quantity.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace cloudoptim {
namespace {

struct Canonical {
  const char* input;
  const char* canonical;
};

// Every input parses, prints as `canonical`, and the canonical form parses back to an equal
// quantity that prints the same (canonical strings are fixed points).
constexpr Canonical kKubernetesExamples[] = {
    // Zero in every suffix.
    {"0", "0"},
    {"0n", "0"},
    {"0u", "0"},
    {"0m", "0"},
    {"0Ki", "0"},
    {"0k", "0"},
    {"0Mi", "0"},
    {"0M", "0"},
    {"0Gi", "0"},
    {"0G", "0"},
    {"0Ti", "0"},
    {"0T", "0"},
    {"00", "0"},
    // Binary suffixes.
    {"1", "1"},
    {"1Ki", "1Ki"},
    {"8Ki", "8Ki"},
    {"7Mi", "7Mi"},
    {"6Gi", "6Gi"},
    {"5Ti", "5Ti"},
    {"4Pi", "4Pi"},
    {"3Ei", "3Ei"},
    {"10Ti", "10Ti"},
    {"100Ti", "100Ti"},
    // Decimal suffixes.
    {"5n", "5n"},
    {"4u", "4u"},
    {"3m", "3m"},
    {"9", "9"},
    {"8k", "8k"},
    {"50k", "50k"},
    {"7M", "7M"},
    {"6G", "6G"},
    {"5T", "5T"},
    {"40T", "40T"},
    {"300T", "300T"},
    {"2P", "2P"},
    {"1E", "1E"},
    // Decimal exponents keep their form; the exponent becomes a multiple of three.
    {"1E-3", "1e-3"},
    {"1e3", "1e3"},
    {"1E6", "1e6"},
    {"1e9", "1e9"},
    {"1E12", "1e12"},
    {"1e15", "1e15"},
    {"1E18", "1e18"},
    {"1e14", "100e12"},
    {"1e13", "10e12"},
    {"0.5e0", "500e-3"},
    {"0.5e-1", "50e-3"},
    {"0.5e-2", "5e-3"},
    {"1.2e3", "1200"},
    {"1.3E+6", "1300e3"},
    {"1.40e9", "1400e6"},
    {"1.53E12", "1530e9"},
    {"1.6e15", "1600e12"},
    {"1.7E18", "1700e15"},
    {".001e12", "1e9"},
    {"0.001e0", "1e-3"},
    {"1000e-12", "1e-9"},
    // Things that look like floating point.
    {"100.035k", "100035"},
    {"0.001", "1m"},
    {"0.0005k", "500m"},
    {"0.005", "5m"},
    {"0.05", "50m"},
    {"0.5", "500m"},
    {"0.00050k", "500m"},
    {"0.00500", "5m"},
    {"0.05000", "50m"},
    {"0.50000", "500m"},
    {"10.035M", "10035k"},
    {"9.01", "9010m"},
    {"8.1k", "8100"},
    {"7.123456M", "7123456"},
    {"6.987654321G", "6987654321"},
    {"5.444T", "5444G"},
    {"40.1T", "40100G"},
    {"300.2T", "300200G"},
    {"2.5P", "2500T"},
    {"1.01E", "1010P"},
    {"1.08", "1080m"},
    {"1080000000n", "1080m"},
    // Sub-nano precision rounds up to the next nano.
    {"3.001n", "4n"},
    {"1.1E-9", "2e-9"},
    {"0.0000000001", "1n"},
    {"0.0000000005", "1n"},
    {"0.00000000050", "1n"},
    {"0.5e-9", "1e-9"},
    {"0.9n", "1n"},
    {"0.00000012345", "124n"},
    {"0.00000012354", "124n"},
    // Fractional binary quantities: whole numbers of at least 1024 keep a binary suffix,
    // anything else prints in decimal.
    {"100.035Ki", "102435840m"},
    {"0.5Mi", "512Ki"},
    {"0.05Gi", "53687091200m"},
    {"0.025Ti", "27487790694400m"},
    {"0.000000000001Ki", "2n"},
    {".001Ki", "1024m"},
    {".000001Ki", "1024u"},
    {".000000001Ki", "1024n"},
    {"1.5Gi", "1536Mi"},
    {"1024Mi", "1Gi"},
    {"307200Ki", "300Mi"},
    {"1025024Mi", "1001Gi"},
    {"1024Gi", "1Ti"},
    {"1025Ki", "1025Ki"},
    {"2048", "2048"},
    // Things written by trolls.
    {".001", "1m"},
    {".0001k", "100m"},
    {"1.", "1"},
    {"1.G", "1G"},
    // Canonical forms from the issue and the Quantity documentation.
    {"100m", "100m"},
    {"1000m", "1"},
    {"5000m", "5"},
    {"1000M", "1G"},
    {"0.001T", "1G"},
    {"1000u", "1m"},
    {"1.5", "1500m"},
    {"128Mi", "128Mi"},
    {"1G", "1G"},
};

class KubernetesExampleTest : public ::testing::TestWithParam<Canonical> {};

TEST_P(KubernetesExampleTest, ParsesToCanonicalForm) {
  const Canonical& c = GetParam();
  Result<Quantity> q = Quantity::Parse(c.input);
  ASSERT_TRUE(q.has_value()) << c.input << ": " << q.error().ToString();
  EXPECT_EQ(q->ToString(), c.canonical) << c.input;
  Result<Quantity> again = Quantity::Parse(q->ToString());
  ASSERT_TRUE(again.has_value()) << q->ToString();
  EXPECT_EQ(again->Compare(*q), 0) << c.input;
  EXPECT_EQ(again->ToString(), c.canonical) << c.input;
}

TEST_P(KubernetesExampleTest, NegativeInputPrintsWithMinusSign) {
  const Canonical& c = GetParam();
  Result<Quantity> q = Quantity::Parse(std::string("-") + c.input);
  ASSERT_TRUE(q.has_value()) << c.input << ": " << q.error().ToString();
  const std::string expected =
      std::string(c.canonical) == "0" ? "0" : std::string("-") + c.canonical;
  EXPECT_EQ(q->ToString(), expected) << c.input;
  if (expected != "0") {
    EXPECT_LT(q->Compare(Quantity()), 0) << c.input;
  }
}

TEST_P(KubernetesExampleTest, ExplicitPlusSignIsDropped) {
  const Canonical& c = GetParam();
  Result<Quantity> q = Quantity::Parse(std::string("+") + c.input);
  ASSERT_TRUE(q.has_value()) << c.input << ": " << q.error().ToString();
  EXPECT_EQ(q->ToString(), c.canonical) << c.input;
}

INSTANTIATE_TEST_SUITE_P(Quantity, KubernetesExampleTest, ::testing::ValuesIn(kKubernetesExamples));

constexpr const char* kInvalid[] = {
    // From Kubernetes' table of invalid quantities.
    "1.1.M",
    "1+1.0M",
    "0.1mi",
    "0.1am",
    "aoeu",
    ".5i",
    "1i",
    "-3.01i",
    "-3.01e-",
    " 1",
    "1 ",
    // From the issue and the documented grammar (a number needs at least one digit).
    "1.5.5",
    "Mi",
    "",
    "1 Gi",
    "--1",
    "+-1",
    ".",
    "-.",
    "e3",
    "1e",
    "1e+",
    "1e1.5",
    "1Kib",
    "1KI",
    "1k ",
    "1\t",
    "0x10",
    "1,5",
    "∞",
};

TEST(QuantityParseTest, RejectsMalformedInputWithMessageNamingIt) {
  for (const char* input : kInvalid) {
    Result<Quantity> q = Quantity::Parse(input);
    ASSERT_FALSE(q.has_value()) << "'" << input << "' parsed as " << q->ToString();
    EXPECT_TRUE(IsInvalidArgument(q.error())) << input;
    EXPECT_NE(q.error().message.find(std::string("\"") + input + "\""), std::string::npos)
        << q.error().message;
  }
}

// CloudOptim's documented limit: magnitudes below 2^63 with at most 19 significant digits.
// (Kubernetes keeps such values as big decimals, or caps binary ones at 2^63-1.)
TEST(QuantityParseTest, RejectsValuesBeyondInt64AsOutOfRange) {
  for (const char* input :
       {"12E", "9Ei", "8Ei", "-9Ei", "9223372036854775808", "1e19", "9223372036854775807Ki",
        "1e400", "1000E", "12345678901.123456781123"}) {
    Result<Quantity> q = Quantity::Parse(input);
    ASSERT_FALSE(q.has_value()) << input << " parsed as " << q->ToString();
    EXPECT_TRUE(IsInvalidArgument(q.error()));
    EXPECT_NE(q.error().message.find("out of range"), std::string::npos) << q.error().message;
  }
}

TEST(QuantityParseTest, OmitsThePlusSign) {
  EXPECT_EQ(Quantity::Parse("+1")->ToString(), "1");
  EXPECT_EQ(Quantity::Parse("+1.5Gi")->ToString(), "1536Mi");
}

// Trailing zeros after rounding let a long number fit: 1234567890112345679e-8.
TEST(QuantityParseTest, KeepsNineDecimalsOfALargeNumberWhenTheyFit) {
  Result<Quantity> q = Quantity::Parse("12345678901.123456789123");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->ToString(), "12345678901123456790n");
  EXPECT_EQ(q->Value(), 12345678902);
}

TEST(QuantityParseTest, AcceptsTheLargestInt64) {
  Result<Quantity> q = Quantity::Parse("9223372036854775807");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->Value(), INT64_MAX);
  EXPECT_EQ(q->ToString(), "9223372036854775807");
  Result<Quantity> seven_ei = Quantity::Parse("7Ei");
  ASSERT_TRUE(seven_ei.has_value());
  EXPECT_EQ(seven_ei->Value(), int64_t{7} << 60);
  EXPECT_EQ(Quantity::Parse("-9223372036854775807")->Value(), -INT64_MAX);
}

TEST(QuantityParseTest, TinyExponentsRoundUpToOneNano) {
  EXPECT_EQ(Quantity::Parse("1e-400")->ToString(), "1e-9");
  EXPECT_EQ(Quantity::Parse("0e999999999999")->ToString(), "0");
  EXPECT_EQ(Quantity::Parse("-1e-30")->ToString(), "-1e-9");
}

TEST(QuantityParseTest, RejectsOverlongInput) {
  Result<Quantity> q = Quantity::Parse(std::string(2000, '1'));
  ASSERT_FALSE(q.has_value());
  EXPECT_TRUE(IsInvalidArgument(q.error()));
}

TEST(QuantityParseTest, RemembersTheFormatOfTheSuffix) {
  EXPECT_EQ(Quantity::Parse("1Mi")->format(), Quantity::Format::kBinarySI);
  EXPECT_EQ(Quantity::Parse("1M")->format(), Quantity::Format::kDecimalSI);
  EXPECT_EQ(Quantity::Parse("1e6")->format(), Quantity::Format::kDecimalExponent);
  EXPECT_EQ(Quantity::Parse("0Ki")->format(), Quantity::Format::kBinarySI);
  // A binary quantity below one switches to decimal, as in Kubernetes.
  EXPECT_EQ(Quantity::Parse("0.000000000001Ki")->format(), Quantity::Format::kDecimalSI);
}

struct Scaled {
  const char* input;
  int64_t value;
  int64_t milli_value;
};

constexpr Scaled kScaled[] = {
    {"100m", 1, 100},
    {"0.5", 1, 500},
    {"1", 1, 1000},
    {"1.5Gi", 1610612736, 1610612736000},
    {"128Mi", 134217728, 134217728000},
    {"1G", 1000000000, 1000000000000},
    {"1e3", 1000, 1000000},
    {"1n", 1, 1},
    {"1001u", 1, 2},
    {"0", 0, 0},
    {"-100m", -1, -100},
    {"-1n", -1, -1},
    {"-1.5", -2, -1500},
    {"2.5", 3, 2500},
    {"1Ki", 1024, 1024000},
    {"3Ei", 3458764513820540928, INT64_MAX},  // MilliValue saturates instead of overflowing
    {"-3Ei", -3458764513820540928, INT64_MIN},
};

TEST(QuantityValueTest, RoundsAwayFromZeroAsKubernetes) {
  for (const Scaled& s : kScaled) {
    Result<Quantity> q = Quantity::Parse(s.input);
    ASSERT_TRUE(q.has_value()) << s.input;
    EXPECT_EQ(q->Value(), s.value) << s.input;
    EXPECT_EQ(q->MilliValue(), s.milli_value) << s.input;
  }
}

TEST(QuantityCompareTest, ComparesByValueWhateverTheFormat) {
  auto cmp = [](const char* a, const char* b) {
    return Quantity::Parse(a)->Compare(*Quantity::Parse(b));
  };
  EXPECT_EQ(cmp("0", "0"), 0);
  EXPECT_EQ(cmp("100m", "50m"), 1);
  EXPECT_EQ(cmp("50m", "100m"), -1);
  EXPECT_EQ(cmp("10000T", "100Gi"), 1);
  EXPECT_EQ(cmp("1Gi", "1024Mi"), 0);
  EXPECT_EQ(cmp("1k", "1000"), 0);
  EXPECT_EQ(cmp("1e3", "1k"), 0);
  EXPECT_EQ(cmp("0.5", "500m"), 0);
  EXPECT_EQ(cmp("-1", "1n"), -1);
  EXPECT_EQ(cmp("9223372036854775807", "1n"), 1);
  EXPECT_EQ(cmp("1n", "0"), 1);
  EXPECT_TRUE(*Quantity::Parse("1Ki") == *Quantity::Parse("1024"));
  EXPECT_FALSE(*Quantity::Parse("1Ki") == *Quantity::Parse("1k"));
}

TEST(QuantityFromScaledTest, BuildsCanonicalQuantities) {
  EXPECT_EQ(Quantity::FromMillis(1500).ToString(), "1500m");
  EXPECT_EQ(Quantity::FromMillis(1000).ToString(), "1");
  EXPECT_EQ(Quantity::FromMillis(1234000).ToString(), "1234");
  EXPECT_EQ(Quantity::FromMillis(1).ToString(), "1m");
  EXPECT_EQ(Quantity::FromMillis(-250).ToString(), "-250m");
  EXPECT_EQ(Quantity::FromBytes(int64_t{1536} << 20).ToString(), "1536Mi");
  EXPECT_EQ(Quantity::FromBytes(1024).ToString(), "1Ki");
  EXPECT_EQ(Quantity::FromBytes(1000).ToString(), "1k");  // below 1024: decimal
  EXPECT_EQ(Quantity::FromBytes(1025).ToString(), "1025");
  EXPECT_EQ(Quantity::FromBytes(0).ToString(), "0");
  EXPECT_EQ(Quantity::FromBytes(-(int64_t{1} << 30)).ToString(), "-1Gi");
  EXPECT_EQ(Quantity::FromScaled(1024, -3, Quantity::Format::kBinarySI).ToString(), "1024m");
  EXPECT_EQ(Quantity::FromScaled(1 << 20, -3, Quantity::Format::kBinarySI).ToString(), "1048576m");
  EXPECT_EQ(Quantity::FromScaled(1000000, 0, Quantity::Format::kDecimalExponent).ToString(), "1e6");
  EXPECT_EQ(Quantity::FromScaled(1, -12, Quantity::Format::kDecimalSI).ToString(), "1n");
  EXPECT_EQ(Quantity::FromScaled(1000, -12, Quantity::Format::kDecimalSI).ToString(), "1n");
  EXPECT_EQ(Quantity::FromScaled(1001, -12, Quantity::Format::kDecimalSI).ToString(), "2n");
  EXPECT_EQ(Quantity::FromScaled(1, 9, Quantity::Format::kDecimalSI).ToString(), "1G");
  EXPECT_EQ(Quantity::FromMillis(INT64_MAX).MilliValue(), INT64_MAX);
  EXPECT_EQ(Quantity::FromBytes(INT64_MAX).Value(), INT64_MAX);
  EXPECT_EQ(Quantity::FromScaled(INT64_MAX, 3, Quantity::Format::kDecimalSI).Value(), INT64_MAX);
}

TEST(QuantityTest, DefaultIsZero) {
  Quantity zero;
  EXPECT_TRUE(zero.IsZero());
  EXPECT_EQ(zero.ToString(), "0");
  EXPECT_EQ(zero.Value(), 0);
  EXPECT_FALSE(Quantity::Parse("1n")->IsZero());
}

}  // namespace
}  // namespace cloudoptim
