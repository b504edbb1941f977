// Costs of the AWS client's hot paths: SigV4 signing (every AWS call; the interruption poller
// and large fleets make thousands an hour) and decoding a 10,000-instance DescribeInstances
// answer (a large customer's whole EC2 estate, read on every observe cycle).
//
//   ninja -C build/release aws_benchmark && build/release/bench/aws_benchmark
#include <benchmark/benchmark.h>

#include <string>

#include "aws/ec2_xml.h"
#include "aws/sigv4.h"

namespace {

using cloudoptim::HttpRequest;
using cloudoptim::aws::AwsCredentials;
using cloudoptim::aws::SigV4Signer;

const AwsCredentials kCredentials{.access_key_id = "ASIAEXAMPLEEXAMPLE12",
                                  .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                  .session_token = std::string(600, 'T')};

HttpRequest DescribeInstancesRequest() {
  HttpRequest request{.method = "POST", .url = "https://ec2.us-east-1.amazonaws.com/"};
  request.body =
      "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3Aeks%3Acluster-name&"
      "Filter.1.Value.1=prod&Filter.2.Name=instance-state-name&Filter.2.Value.1=running&"
      "MaxResults=1000";
  request.headers.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  return request;
}

// One signer reused: the derived signing key is cached (as in production).
void BM_SigV4Sign(benchmark::State& state) {
  SigV4Signer signer("us-east-1", "ec2");
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    HttpRequest request = DescribeInstancesRequest();
    auto status = signer.Sign(request, kCredentials, now);
    benchmark::DoNotOptimize(status);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SigV4Sign);

// A fresh signer per request: includes the four-HMAC signing-key derivation.
void BM_SigV4SignWithKeyDerivation(benchmark::State& state) {
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    SigV4Signer signer("us-east-1", "ec2");
    HttpRequest request = DescribeInstancesRequest();
    auto status = signer.Sign(request, kCredentials, now);
    benchmark::DoNotOptimize(status);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SigV4SignWithKeyDerivation);

// A realistic EC2 item: what DescribeInstances returns for an EKS node (network interface,
// block devices, security groups, IAM profile, six tags), ~3.5 KB.
std::string InstanceItem(int i) {
  const std::string id = "i-0" + std::to_string(100000000000000 + i);
  const std::string zone = std::string("us-east-1") + "abcdf"[i % 5];
  const std::string ip = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
  const bool spot = i % 3 != 0;
  return "<item><instanceId>" + id +
         "</instanceId><imageId>ami-0abcdef1234567890</imageId><instanceState><code>16</code>"
         "<name>running</name></instanceState><privateDnsName>ip-" +
         ip +
         ".ec2.internal</privateDnsName><dnsName/><reason/><keyName>eks-nodes</keyName>"
         "<amiLaunchIndex>0</amiLaunchIndex><productCodes/><instanceType>" +
         (i % 2 ? "m5.xlarge" : "c6i.2xlarge") +
         "</instanceType><launchTime>2026-11-20T08:00:00.000Z</launchTime><placement>"
         "<availabilityZone>" +
         zone +
         "</availabilityZone><groupName/><tenancy>default</tenancy></placement><monitoring>"
         "<state>disabled</state></monitoring><subnetId>subnet-0" +
         std::to_string(i % 5) + "abc</subnetId><vpcId>vpc-0abc</vpcId><privateIpAddress>" + ip +
         "</privateIpAddress><sourceDestCheck>true</sourceDestCheck><groupSet><item><groupId>"
         "sg-0abc</groupId><groupName>eks-cluster-sg</groupName></item></groupSet>"
         "<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>"
         "<rootDeviceName>/dev/xvda</rootDeviceName><blockDeviceMapping><item><deviceName>"
         "/dev/xvda</deviceName><ebs><volumeId>vol-0" +
         std::to_string(i) +
         "</volumeId><status>attached</status><attachTime>2026-11-20T08:00:01.000Z</attachTime>"
         "<deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>" +
         (spot ? "<instanceLifecycle>spot</instanceLifecycle><spotInstanceRequestId>sir-" +
                     std::to_string(i) + "</spotInstanceRequestId>"
               : "") +
         "<virtualizationType>hvm</virtualizationType><clientToken>fleet-" + std::to_string(i) +
         "</clientToken><tagSet><item><key>eks:cluster-name</key><value>prod</value></item>"
         "<item><key>kubernetes.io/cluster/prod</key><value>owned</value></item><item><key>"
         "eks:nodegroup-name</key><value>general-" +
         std::to_string(i % 7) +
         "</value></item><item><key>Name</key><value>prod-general-node</value></item><item>"
         "<key>aws:ec2:fleet-id</key><value>fleet-0abc</value></item><item><key>team</key>"
         "<value>platform</value></item></tagSet><hypervisor>xen</hypervisor>"
         "<networkInterfaceSet><item><networkInterfaceId>eni-0" +
         std::to_string(i) +
         "</networkInterfaceId><subnetId>subnet-0abc</subnetId><vpcId>vpc-0abc</vpcId>"
         "<ownerId>123456789012</ownerId><status>in-use</status><privateIpAddress>" +
         ip + "</privateIpAddress><privateDnsName>ip-" + ip +
         ".ec2.internal</privateDnsName><sourceDestCheck>true</sourceDestCheck></item>"
         "</networkInterfaceSet><iamInstanceProfile><arn>arn:aws:iam::123456789012:"
         "instance-profile/eks-node</arn><id>AIPAEXAMPLE</id></iamInstanceProfile>"
         "<ebsOptimized>true</ebsOptimized><enaSupport>true</enaSupport>"
         "<cpuOptions><coreCount>2</coreCount><threadsPerCore>2</threadsPerCore></cpuOptions>"
         "<metadataOptions><state>applied</state><httpTokens>required</httpTokens>"
         "<httpPutResponseHopLimit>2</httpPutResponseHopLimit></metadataOptions></item>";
}

// 10,000 instances, 25 per reservation (as fleets launch them).
std::string DescribeInstancesXml(int count) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse xmlns=\""
      "http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>8f7724cf</requestId>"
      "<reservationSet>";
  for (int start = 0; start < count; start += 25) {
    xml += "<item><reservationId>r-0" + std::to_string(start) +
           "</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>";
    for (int i = start; i < std::min(count, start + 25); ++i) xml += InstanceItem(i);
    xml += "</instancesSet></item>";
  }
  return xml + "</reservationSet></DescribeInstancesResponse>";
}

void BM_DecodeDescribeInstances10k(benchmark::State& state) {
  const std::string xml = DescribeInstancesXml(10'000);
  for (auto _ : state) {
    auto page = cloudoptim::aws::DecodeDescribeInstances(xml);
    if (!page || page->items.size() != 10'000) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(page);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(xml.size()));
  state.SetItemsProcessed(state.iterations() * 10'000);
  state.counters["xml_MB"] = static_cast<double>(xml.size()) / 1e6;
}
BENCHMARK(BM_DecodeDescribeInstances10k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
