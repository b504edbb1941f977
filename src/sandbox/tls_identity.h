// The sandbox's TLS identity, made fresh at every start: a self-signed CA and a server
// certificate it signs for 127.0.0.1 and localhost. The CA goes into the kubeconfig
// (certificate-authority-data), so kubectl verifies the server as it would EKS.
//
//   Result<TlsIdentity> tls = TlsIdentity::Generate("cloudoptim-sandbox");
//   httplib::SSLServer server(tls->server_cert(), tls->server_key());
//   std::string ca_pem = tls->ca_pem();
#pragma once

#include <memory>
#include <string>

#include "common/error.h"

typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace cloudoptim::sandbox {

class TlsIdentity {
 public:
  static Result<TlsIdentity> Generate(const std::string& common_name);

  X509* server_cert() const { return server_cert_.get(); }
  EVP_PKEY* server_key() const { return server_key_.get(); }
  const std::string& ca_pem() const { return ca_pem_; }
  const std::string& server_cert_pem() const { return server_cert_pem_; }

 private:
  struct X509Free {
    void operator()(X509* x) const;
  };
  struct KeyFree {
    void operator()(EVP_PKEY* k) const;
  };
  std::shared_ptr<X509> ca_cert_;
  std::shared_ptr<EVP_PKEY> ca_key_;
  std::shared_ptr<X509> server_cert_;
  std::shared_ptr<EVP_PKEY> server_key_;
  std::string ca_pem_;
  std::string server_cert_pem_;
};

}  // namespace cloudoptim::sandbox
