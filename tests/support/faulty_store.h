#pragma once

// FaultyStore: a Store that fails on purpose. It forwards everything to the
// store it wraps, counts the writes made inside Transact (each StoreWriter
// and EvidenceWriter call is one) and fails the Nth with kIoError, as a full
// disk or a lost connection would; N one past the last write fails the
// commit instead (the body's work is rolled back). With no fault set it only
// counts, so a test learns how many writes an operation makes and then fails
// each one in turn. In the manner of leveldb's ErrorEnv. One thread at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stocktake/storage/forwarding_store.h"
#include "stocktake/storage/store.h"

namespace stocktake::testing {

class FaultyStore final : public ForwardingStore, private StoreWriter, private EvidenceWriter {
 public:
  /// `inner` must outlive the wrapper.
  explicit FaultyStore(Store& inner) : ForwardingStore(inner), inner_(inner) {}

  /// Fail the `nth` write (1-based) of the transactions to come; writes + 1
  /// fails the commit. 0: fail nothing, only count.
  void FailWrite(std::int64_t nth) {
    fail_at_ = nth;
    writes_ = 0;
    injected_ = false;
  }
  /// Writes made since the last FailWrite (or since construction).
  std::int64_t writes() const { return writes_; }
  /// Whether a fault was injected since the last FailWrite.
  bool injected() const { return injected_; }

  // Reads pass through (ForwardingStore).
  Result<void> Transact(const std::function<Result<void>(StoreWriter&)>& body) override {
    return inner_.Transact([&](StoreWriter& writer) -> Result<void> {
      writer_ = &writer;
      Result<void> outcome = body(*this);
      writer_ = nullptr;
      if (!outcome) return outcome;
      // The commit is the write after the body's last.
      return Count("committing");
    });
  }

 private:
  Result<void> Count(const char* what) {
    ++writes_;
    if (fail_at_ == 0 || writes_ != fail_at_) return Ok();
    injected_ = true;
    return Fail(Error::IoError(std::string("injected fault: write ") + std::to_string(writes_) +
                               " (" + what + ") failed"));
  }

  // Writes: counted, failed when their turn comes, else forwarded.
  Result<void> SaveProject(const Project& project) override {
    ST_TRY(Count("SaveProject"));
    return writer_->SaveProject(project);
  }
  Result<void> SavePerson(const Person& person) override {
    ST_TRY(Count("SavePerson"));
    return writer_->SavePerson(person);
  }
  Result<void> SaveRelease(const Release& release) override {
    ST_TRY(Count("SaveRelease"));
    return writer_->SaveRelease(release);
  }
  Result<void> SaveFeature(const Feature& feature, std::int64_t ordinal) override {
    ST_TRY(Count("SaveFeature"));
    return writer_->SaveFeature(feature, ordinal);
  }
  Result<void> TouchFeature(const std::string& slug, Timestamp at) override {
    ST_TRY(Count("TouchFeature"));
    return writer_->TouchFeature(slug, at);
  }
  Result<std::int64_t> AppendEvent(const Event& event) override {
    ST_TRY(Count("AppendEvent"));
    return writer_->AppendEvent(event);
  }
  Result<void> SaveProtocol(const Protocol& protocol) override {
    ST_TRY(Count("SaveProtocol"));
    return writer_->SaveProtocol(protocol);
  }
  Result<void> AppendStageChange(const std::string& protocol, const StageChange& change) override {
    ST_TRY(Count("AppendStageChange"));
    return writer_->AppendStageChange(protocol, change);
  }
  Result<std::int64_t> CreateProposal(const Proposal& proposal) override {
    ST_TRY(Count("CreateProposal"));
    return writer_->CreateProposal(proposal);
  }
  Result<std::int64_t> AppendProposalAction(std::int64_t proposal_id,
                                            const ProposalAction& action) override {
    ST_TRY(Count("AppendProposalAction"));
    return writer_->AppendProposalAction(proposal_id, action);
  }
  EvidenceWriter& evidence_writer() override { return *this; }
  // Credentials are written outside the record's writes: not failed here.
  AccountWriter& account_writer() override { return writer_->account_writer(); }

  EvidenceWriter& inner_evidence() { return writer_->evidence_writer(); }
  Result<std::int64_t> InsertMessages(std::span<const EvidenceMessage* const> messages) override {
    ST_TRY(Count("InsertMessages"));
    return inner_evidence().InsertMessages(messages);
  }
  Result<void> InsertMessageTrailers(std::span<const EvidenceMessage* const> messages) override {
    ST_TRY(Count("InsertMessageTrailers"));
    return inner_evidence().InsertMessageTrailers(messages);
  }
  Result<void> SetThreadRoots(std::span<const std::pair<std::string, std::string>> roots) override {
    ST_TRY(Count("SetThreadRoots"));
    return inner_evidence().SetThreadRoots(roots);
  }
  Result<void> ReplaceThreads(std::span<const EvidenceThread> threads) override {
    ST_TRY(Count("ReplaceThreads"));
    return inner_evidence().ReplaceThreads(threads);
  }
  Result<void> ReplaceSeries(std::span<const EvidenceSeries> series) override {
    ST_TRY(Count("ReplaceSeries"));
    return inner_evidence().ReplaceSeries(series);
  }
  Result<std::int64_t> InsertCommits(std::span<const EvidenceCommit> commits) override {
    ST_TRY(Count("InsertCommits"));
    return inner_evidence().InsertCommits(commits);
  }
  Result<void> SaveSource(const IngestSource& source) override {
    ST_TRY(Count("SaveSource"));
    return inner_evidence().SaveSource(source);
  }
  Result<void> SaveRules(const EvidenceRuleSet& rules) override {
    ST_TRY(Count("SaveRules"));
    return inner_evidence().SaveRules(rules);
  }
  Result<void> ReplaceLinks(const std::vector<std::string>& target_kinds,
                            std::span<const EvidenceLink> links) override {
    ST_TRY(Count("ReplaceLinks"));
    return inner_evidence().ReplaceLinks(target_kinds, links);
  }
  Result<bool> AddDraftObjection(const DraftObjection& draft) override {
    ST_TRY(Count("AddDraftObjection"));
    return inner_evidence().AddDraftObjection(draft);
  }
  Result<void> SetDraftObjectionState(const std::string& message_id,
                                      const std::string& state) override {
    ST_TRY(Count("SetDraftObjectionState"));
    return inner_evidence().SetDraftObjectionState(message_id, state);
  }

  Store& inner_;
  StoreWriter* writer_ = nullptr;
  std::int64_t fail_at_ = 0;
  std::int64_t writes_ = 0;
  bool injected_ = false;
};

}  // namespace stocktake::testing
