#pragma once

// ForwardingStore: a Store that passes every call to another one, for
// wrappers that change a few calls and keep the rest (a store as of an
// instant, a store that checks a precondition inside the write, a store that
// fails writes in tests). A new Store call then needs one forward here, not
// one in every wrapper.
//
// Borrows `inner`, which must outlive it; shared between threads as `inner`
// may be.

#include "stocktake/storage/store.h"

namespace stocktake {

class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store& inner) : inner_(inner) {}

  Result<std::optional<Project>> LoadProject() override { return inner_.LoadProject(); }
  Result<std::vector<Person>> ListPeople() override { return inner_.ListPeople(); }
  Result<std::optional<Person>> FindPerson(const std::string& email) override {
    return inner_.FindPerson(email);
  }
  Result<std::vector<Release>> ListReleases() override { return inner_.ListReleases(); }
  Result<std::optional<Release>> FindRelease(const std::string& version) override {
    return inner_.FindRelease(version);
  }
  Result<std::vector<Feature>> ListFeatures(const FeatureQuery& query) override {
    return inner_.ListFeatures(query);
  }
  Result<std::optional<Feature>> FindFeature(const std::string& slug) override {
    return inner_.FindFeature(slug);
  }
  Result<std::int64_t> MaxFeatureOrdinal() override { return inner_.MaxFeatureOrdinal(); }
  Result<std::vector<Event>> ListEvents(const EventQuery& query) override {
    return inner_.ListEvents(query);
  }
  Result<std::vector<EventSpan>> ListEventSpans(const EventQuery& query) override {
    return inner_.ListEventSpans(query);
  }
  Result<std::string> ChangeStamp() override { return inner_.ChangeStamp(); }
  Result<std::vector<Protocol>> ListProtocols() override { return inner_.ListProtocols(); }
  Result<std::optional<Protocol>> FindProtocol(const std::string& name) override {
    return inner_.FindProtocol(name);
  }
  Result<std::vector<Proposal>> ListProposals(const ProposalQuery& query) override {
    return inner_.ListProposals(query);
  }
  Result<std::optional<Proposal>> FindProposal(std::int64_t id) override {
    return inner_.FindProposal(id);
  }
  Result<std::optional<Proposal>> FindProposalByObjection(std::int64_t objection_id) override {
    return inner_.FindProposalByObjection(objection_id);
  }
  EvidenceReader& evidence() override { return inner_.evidence(); }
  AccountReader& accounts() override { return inner_.accounts(); }
  Result<void> Transact(const std::function<Result<void>(StoreWriter&)>& body) override {
    return inner_.Transact(body);
  }

 protected:
  Store& inner() { return inner_; }

 private:
  Store& inner_;
};

}  // namespace stocktake
