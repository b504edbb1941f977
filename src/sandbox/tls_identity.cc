#include "sandbox/tls_identity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <random>

namespace cloudoptim::sandbox {
namespace {

// EC P-256 keys: generated in microseconds, accepted by Go's TLS stack (kubectl).
EVP_PKEY* NewKey() { return EVP_EC_gen("P-256"); }

std::string ToPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate valid from an hour ago (clock skew) for a year.
X509* NewCert(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
              bool is_ca) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  std::random_device random;
  ASN1_INTEGER_set(X509_get_serialNumber(cert), static_cast<long>(random() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(signer));
  bool ok = true;
  if (is_ca) {
    ok = AddExtension(cert, signer, NID_basic_constraints, "critical,CA:TRUE") &&
         AddExtension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature") &&
         AddExtension(cert, signer, NID_subject_key_identifier, "hash");
  } else {
    ok = AddExtension(cert, signer, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExtension(cert, signer, NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
         AddExtension(cert, signer, NID_ext_key_usage, "serverAuth") &&
         AddExtension(cert, signer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  }
  if (!ok || X509_sign(cert, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    X509_free(cert);
    return nullptr;
  }
  return cert;
}

}  // namespace

void TlsIdentity::X509Free::operator()(X509* x) const { X509_free(x); }
void TlsIdentity::KeyFree::operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }

Result<TlsIdentity> TlsIdentity::Generate(const std::string& common_name) {
  TlsIdentity id;
  id.ca_key_.reset(NewKey(), KeyFree());
  id.server_key_.reset(NewKey(), KeyFree());
  if (!id.ca_key_ || !id.server_key_) return Internal("generating EC P-256 keys failed");
  id.ca_cert_.reset(NewCert(id.ca_key_.get(), common_name + "-ca", nullptr, nullptr, true),
                    X509Free());
  if (!id.ca_cert_) return Internal("signing the sandbox CA certificate failed");
  id.server_cert_.reset(NewCert(id.server_key_.get(), common_name, id.ca_cert_.get(),
                                id.ca_key_.get(), false),
                        X509Free());
  if (!id.server_cert_) return Internal("signing the sandbox server certificate failed");
  id.ca_pem_ = ToPem(id.ca_cert_.get());
  id.server_cert_pem_ = ToPem(id.server_cert_.get());
  return id;
}

}  // namespace cloudoptim::sandbox
