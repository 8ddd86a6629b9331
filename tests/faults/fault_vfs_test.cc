// FaultVfs and DiskModel: the op log, the device-cache model, crash images and the faults.
#include "faults/fault_vfs.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/status_testing.h"
#include "tests/support/vfs_contract.h"
#include "vfs/mem_vfs.h"

namespace strata::faults {
namespace {

using test::to_bytes;
using test::to_text;

// A FaultVfs with no faults armed behaves like any Vfs.
class FaultHarness : public test::VfsHarness {
 public:
  vfs::Vfs& vfs() override { return fault_; }
  std::string dir() const override { return "/mem/db"; }

 private:
  vfs::MemVfs mem_;
  FaultVfs fault_{&mem_};
};

std::unique_ptr<test::VfsHarness> make_fault_harness() { return std::make_unique<FaultHarness>(); }

using test::VfsContract;
INSTANTIATE_TEST_SUITE_P(Fault, VfsContract,
                         ::testing::Values(test::VfsContractParam{"fault", &make_fault_harness}),
                         test::vfs_contract_param_name);

class FaultVfsTest : public ::testing::Test {
 protected:
  std::unique_ptr<vfs::File> create(const std::string& path) {
    vfs::OpenOptions o;
    o.create = true;
    auto f = fault_.open(path, o);
    EXPECT_OK(f.status());
    return f.ok() ? std::move(*f) : nullptr;
  }
  static std::vector<uint8_t> bytes(size_t n, uint8_t v) { return std::vector<uint8_t>(n, v); }
  std::vector<uint8_t> image_of(Policy policy, const std::string& path,
                                const ImageChoice& choice = {}, DeviceModel device = {}) {
    DiskImage image = fault_.model().build(policy, device, choice);
    auto it = image.find(path);
    return it == image.end() ? std::vector<uint8_t>{} : it->second;
  }

  vfs::MemVfs mem_;
  FaultVfs fault_{&mem_};
};

TEST_F(FaultVfsTest, LogRecordsEveryCallWithItsLabelInOrder) {
  auto f = create("d/a");
  fault_.set_label("commit 7: pages");
  ASSERT_OK(f->write(0, bytes(100, 1)));
  fault_.set_label("commit 7: sync pages");
  ASSERT_OK(f->sync());
  fault_.mark("ack 7");
  const OpLog& log = fault_.log();
  ASSERT_EQ(log.size(), 4u);
  for (size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].seq, i);
  EXPECT_EQ(log[0].kind, OpKind::kOpen);
  EXPECT_EQ(log[0].offset, 1u) << "the open created the file";
  EXPECT_EQ(log[1].kind, OpKind::kWrite);
  EXPECT_EQ(log[1].label, "commit 7: pages");
  EXPECT_EQ(log[1].length, 100u);
  ASSERT_TRUE(log[1].data);
  EXPECT_EQ(log[2].kind, OpKind::kSync);
  EXPECT_EQ(log[2].label, "commit 7: sync pages");
  EXPECT_EQ(log[3].kind, OpKind::kMark);
  EXPECT_FALSE(changes_disk(OpKind::kMark));
  EXPECT_EQ(log[1].to_string(), "1 write d/a @0+100 [commit 7: pages] ok");
}

TEST_F(FaultVfsTest, ParseLabelSplitsCommitLabels) {
  LabelParts p = parse_label("commit 12: meta slot 0");
  EXPECT_TRUE(p.is_commit);
  EXPECT_EQ(p.generation, 12u);
  EXPECT_EQ(p.step, "meta slot 0");
  EXPECT_TRUE(parse_label("create: sync dir").is_create);
  EXPECT_FALSE(parse_label("commit x: pages").is_commit);
}

TEST_F(FaultVfsTest, UnsyncedWritesSurviveOnlyAProcessKill) {
  auto f = create("d/a");
  ASSERT_OK(f->write(0, bytes(512, 1)));
  ASSERT_OK(f->sync());
  ASSERT_OK(fault_.sync_dir("d"));
  ASSERT_OK(f->write(0, bytes(512, 2)));  // pending
  EXPECT_EQ(image_of(Policy::kProcessKill, "d/a"), bytes(512, 2));
  EXPECT_EQ(image_of(Policy::kDropUnsynced, "d/a"), bytes(512, 1));
  EXPECT_EQ(fault_.model().pending_writes(), 1u);
}

TEST_F(FaultVfsTest, CreationsAndRenamesNeedADirectorySync) {
  auto f = create("d/tmp");
  ASSERT_OK(f->write(0, bytes(10, 7)));
  ASSERT_OK(f->sync());
  ASSERT_OK(fault_.rename("d/tmp", "d/db"));
  DiskImage lost = fault_.model().build(Policy::kDropUnsynced, {}, {});
  EXPECT_TRUE(lost.empty()) << "neither the creation nor the rename was made durable";
  DiskImage kept = fault_.model().build(Policy::kProcessKill, {}, {});
  ASSERT_EQ(kept.count("d/db"), 1u);
  EXPECT_EQ(kept["d/db"], bytes(10, 7));
  ASSERT_OK(fault_.sync_dir("d"));
  DiskImage durable = fault_.model().build(Policy::kDropUnsynced, {}, {});
  ASSERT_EQ(durable.count("d/db"), 1u);
  EXPECT_EQ(durable.count("d/tmp"), 0u);
}

TEST_F(FaultVfsTest, SectorSubsetEnumeratesEveryCombinationOfSectors) {
  auto f = create("d/a");
  ASSERT_OK(fault_.sync_dir("d"));
  ASSERT_OK(f->write(0, bytes(2048, 9)));  // 4 sectors of 512
  DeviceModel device;
  device.sector_size = 512;
  size_t units = fault_.model().unit_count(Policy::kSectorSubset, device);
  ASSERT_EQ(units, 4u);
  ImageEnumerator images(units, Policy::kSectorSubset, 10, 0, 1);
  ASSERT_TRUE(images.exhaustive());
  ASSERT_EQ(images.count(), 16u);
  std::set<std::vector<uint8_t>> distinct;
  for (size_t i = 0; i < images.count(); ++i) {
    std::vector<uint8_t> img = image_of(Policy::kSectorSubset, "d/a", images.choice(i), device);
    // Every sector is all old (absent) or all new.
    img.resize(2048, 0);
    for (size_t s = 0; s < 4; ++s) {
      std::set<uint8_t> values(img.begin() + s * 512, img.begin() + (s + 1) * 512);
      EXPECT_EQ(values.size(), 1u);
    }
    distinct.insert(img);
  }
  EXPECT_EQ(distinct.size(), 16u);
  // With 4096-byte sectors the same write is one atomic unit.
  device.sector_size = 4096;
  EXPECT_EQ(fault_.model().unit_count(Policy::kSectorSubset, device), 1u);
}

TEST_F(FaultVfsTest, AboveTheBoundImagesAreSampledAndSaySo) {
  ImageEnumerator images(30, Policy::kSectorSubset, 10, 5, 42);
  EXPECT_FALSE(images.exhaustive());
  EXPECT_EQ(images.count(), 31u + 5u) << "every prefix plus the samples";
  ImageEnumerator again(30, Policy::kSectorSubset, 10, 5, 42);
  for (size_t i = 0; i < images.count(); ++i) {
    EXPECT_EQ(images.choice(i).applied, again.choice(i).applied) << "same seed, same images";
  }
}

TEST_F(FaultVfsTest, TornSectorCutsOneSectorInsideItself) {
  auto f = create("d/a");
  ASSERT_OK(f->write(0, bytes(512, 1)));
  ASSERT_OK(f->sync());
  ASSERT_OK(fault_.sync_dir("d"));
  ASSERT_OK(f->write(0, bytes(512, 2)));
  for (TearMode mode : {TearMode::kPrefix, TearMode::kSuffix, TearMode::kArbitrary}) {
    DeviceModel device;
    device.tear = mode;
    ImageChoice choice;
    choice.applied = {false};
    choice.torn_unit = 0;
    choice.tear_seed = 3;
    std::vector<uint8_t> img = image_of(Policy::kTornSector, "d/a", choice, device);
    ASSERT_EQ(img.size(), 512u);
    size_t news = std::count(img.begin(), img.end(), 2);
    EXPECT_GT(news, 0u) << tear_mode_name(mode);
    EXPECT_LT(news, 512u) << tear_mode_name(mode);
    if (mode == TearMode::kPrefix) {
      EXPECT_EQ(img.front(), 2);
      EXPECT_EQ(img.back(), 1);
    }
    if (mode == TearMode::kSuffix) {
      EXPECT_EQ(img.front(), 1);
      EXPECT_EQ(img.back(), 2);
    }
  }
}

TEST_F(FaultVfsTest, WithoutPowersafeOverwriteATornSectorDamagesItsNeighbours) {
  auto f = create("d/a");
  ASSERT_OK(f->write(0, bytes(512, 1)));
  ASSERT_OK(f->sync());
  ASSERT_OK(fault_.sync_dir("d"));
  ASSERT_OK(f->write(0, bytes(100, 2)));  // part of the sector
  DeviceModel device;
  device.powersafe_overwrite = false;
  ImageChoice choice;
  choice.applied = {false};
  choice.torn_unit = 0;
  std::vector<uint8_t> img = image_of(Policy::kTornSector, "d/a", choice, device);
  size_t untouched = std::count(img.begin() + 100, img.end(), 1);
  EXPECT_LT(untouched, 412u) << "bytes outside the write were damaged";
  device.powersafe_overwrite = true;
  img = image_of(Policy::kTornSector, "d/a", choice, device);
  EXPECT_EQ(std::count(img.begin() + 100, img.end(), 1), 412);
}

TEST_F(FaultVfsTest, ReorderKeepsWholeWrites) {
  auto f = create("d/a");
  ASSERT_OK(fault_.sync_dir("d"));
  ASSERT_OK(f->write(0, bytes(1024, 1)));
  ASSERT_OK(f->write(1024, bytes(1024, 2)));
  ASSERT_OK(f->write(2048, bytes(1024, 3)));
  EXPECT_EQ(fault_.model().unit_count(Policy::kReorder, {}), 3u);
  ImageChoice later_only;
  later_only.applied = {false, false, true};
  std::vector<uint8_t> img = image_of(Policy::kReorder, "d/a", later_only);
  ASSERT_EQ(img.size(), 3072u);
  EXPECT_EQ(img[0], 0);
  EXPECT_EQ(img[2048], 3);
}

TEST_F(FaultVfsTest, CrashAtOpFailsEveryLaterCallAndChangesNothing) {
  auto f = create("d/a");
  ASSERT_OK(f->write(0, bytes(10, 1)));
  fault_.crash_at(fault_.next_seq() + 1);
  ASSERT_OK(f->write(10, bytes(10, 2)));
  ASSERT_STATUS(f->write(20, bytes(10, 3)), kCrashed);
  ASSERT_STATUS(f->sync(), kCrashed);
  ASSERT_STATUS(fault_.sync_dir("d"), kCrashed);
  EXPECT_TRUE(fault_.crashed());
  auto on_disk = mem_.read_file("d/a");
  ASSERT_OK(on_disk.status());
  EXPECT_EQ(on_disk->size(), 20u) << "nothing after the crash point reached the device";
}

TEST_F(FaultVfsTest, EioReadAndEioWriteFailOnceWithoutSideEffects) {
  auto f = create("d/a");
  ASSERT_OK(f->write(0, bytes(10, 1)));
  FaultSpec read_fault;
  read_fault.kind = FaultKind::kEioRead;
  read_fault.at_op = fault_.next_seq();
  fault_.add_fault(read_fault);
  std::vector<uint8_t> buf(10);
  size_t n = 0;
  ASSERT_STATUS(f->read(0, buf, &n), kIOError);
  ASSERT_OK(f->read(0, buf, &n));
  EXPECT_EQ(n, 10u);
  FaultSpec write_fault;
  write_fault.kind = FaultKind::kEioWrite;
  write_fault.at_label = "pages";
  fault_.add_fault(write_fault);
  fault_.set_label("commit 2: pages");
  ASSERT_STATUS(f->write(0, bytes(10, 5)), kIOError);
  EXPECT_EQ((*mem_.read_file("d/a"))[0], 1) << "a failed write writes nothing";
  EXPECT_EQ(fault_.fired().at("eio-read"), 1u);
  EXPECT_EQ(fault_.fired().at("eio-write"), 1u);
}

TEST_F(FaultVfsTest, EnospcCapFailsWritesThatGrowTheFile) {
  auto f = create("d/a");
  FaultSpec cap;
  cap.kind = FaultKind::kEnospc;
  cap.space_cap = 1000;
  fault_.add_fault(cap);
  ASSERT_OK(f->write(0, bytes(1000, 1)));
  ASSERT_STATUS(f->write(1000, bytes(1, 1)), kNoSpace);
  EXPECT_TRUE(f->write(500, bytes(500, 2)).is_ok()) << "overwriting inside the cap still works";
}

TEST_F(FaultVfsTest, ShortWriteLandsHalfAndReportsAnError) {
  auto f = create("d/a");
  FaultSpec spec;
  spec.kind = FaultKind::kShortWrite;
  spec.at_op = fault_.next_seq();
  fault_.add_fault(spec);
  ASSERT_STATUS(f->write(0, bytes(4096, 3)), kIOError);
  EXPECT_EQ(mem_.read_file("d/a")->size(), 2048u);
  EXPECT_EQ(fault_.log().back().length, 2048u);
}

TEST_F(FaultVfsTest, FsyncFailDropsThePendingWritesAndALaterSyncWorks) {
  auto f = create("d/a");
  ASSERT_OK(f->write(0, bytes(512, 1)));
  ASSERT_OK(f->sync());
  ASSERT_OK(fault_.sync_dir("d"));
  ASSERT_OK(f->write(0, bytes(512, 2)));
  FaultSpec spec;
  spec.kind = FaultKind::kFsyncFail;
  spec.at_op = fault_.next_seq();
  fault_.add_fault(spec);
  ASSERT_STATUS(f->sync(), kIOError);
  EXPECT_EQ(fault_.model().pending_writes(), 0u);
  EXPECT_EQ(image_of(Policy::kProcessKill, "d/a"), bytes(512, 1))
      << "the failed sync dropped the data from the device";
  std::vector<uint8_t> buf(512);
  size_t n = 0;
  ASSERT_OK(f->read(0, buf, &n));
  EXPECT_EQ(buf, bytes(512, 2)) << "while the page cache still shows it (Linux)";
  ASSERT_OK(f->write(0, bytes(512, 3)));
  ASSERT_OK(f->sync());
  EXPECT_EQ(image_of(Policy::kDropUnsynced, "d/a"), bytes(512, 3));
}

TEST_F(FaultVfsTest, LyingFsyncReportsSuccessAndKeepsNothing) {
  auto f = create("d/a");
  ASSERT_OK(fault_.sync_dir("d"));
  ASSERT_OK(f->write(0, bytes(512, 2)));
  FaultSpec spec;
  spec.kind = FaultKind::kLyingFsync;
  spec.at_op = fault_.next_seq();
  fault_.add_fault(spec);
  ASSERT_OK(f->sync());
  EXPECT_EQ(fault_.model().pending_writes(), 1u);
  EXPECT_TRUE(image_of(Policy::kDropUnsynced, "d/a").empty());
}

TEST_F(FaultVfsTest, BitFlipChangesOneDurableBit) {
  auto f = create("d/a");
  ASSERT_OK(f->write(0, bytes(512, 0)));
  ASSERT_OK(f->sync());
  ASSERT_OK(fault_.sync_dir("d"));
  FaultSpec spec;
  spec.kind = FaultKind::kBitFlip;
  spec.at_op = fault_.next_seq();
  spec.seed = 5;
  fault_.add_fault(spec);
  ASSERT_OK(f->sync());  // the flip happens before this op
  std::vector<uint8_t> img = image_of(Policy::kDropUnsynced, "d/a");
  ASSERT_EQ(img.size(), 512u);
  size_t ones = 0;
  for (uint8_t b : img) ones += __builtin_popcount(b);
  EXPECT_EQ(ones, 1u);
  EXPECT_EQ(fault_.log()[fault_.log().size() - 2].kind, OpKind::kBitFlip);
  EXPECT_EQ((*mem_.read_file("d/a")), img) << "no newer write hides it from the process";
}

TEST_F(FaultVfsTest, MisdirectedWriteLandsOneWriteAway) {
  auto f = create("d/a");
  FaultSpec spec;
  spec.kind = FaultKind::kMisdirectedWrite;
  spec.at_op = fault_.next_seq();
  fault_.add_fault(spec);
  ASSERT_OK(f->write(4096, bytes(4096, 7)));
  auto on_disk = *mem_.read_file("d/a");
  ASSERT_EQ(on_disk.size(), 4096u) << "landed at 0, not at 4096";
  EXPECT_EQ(on_disk[0], 7);
  EXPECT_EQ(fault_.log().back().offset, 0u);
}

TEST(FaultSpecTest, ParsesEveryScheduleForm) {
  auto a = parse_fault_spec("eio-write@op=17");
  ASSERT_OK(a.status());
  EXPECT_EQ(a->kind, FaultKind::kEioWrite);
  EXPECT_EQ(a->at_op, 17u);
  EXPECT_EQ(a->to_string(), "eio-write@op=17");
  auto b = parse_fault_spec("fsync-fail@label=sync meta");
  ASSERT_OK(b.status());
  EXPECT_EQ(b->at_label, "sync meta");
  auto c = parse_fault_spec("bit-flip@p=0.5,seed=9");
  ASSERT_OK(c.status());
  EXPECT_DOUBLE_EQ(c->probability, 0.5);
  EXPECT_EQ(c->seed, 9u);
  auto d = parse_fault_spec("enospc@cap=65536");
  ASSERT_OK(d.status());
  EXPECT_EQ(d->space_cap, 65536u);
  EXPECT_FALSE(parse_fault_spec("eio-everything").ok());
  EXPECT_FALSE(parse_fault_spec("eio-read@when=now").ok());
  for (FaultKind k : all_faults()) EXPECT_EQ(parse_fault(fault_name(k)), k);
  auto io = parse_fault_list({"io", "lying-fsync"});
  ASSERT_OK(io.status());
  EXPECT_EQ(io->size(), 6u);
  EXPECT_EQ(io->back(), FaultKind::kLyingFsync);
  EXPECT_FALSE(parse_fault_list({"eio-everything"}).ok());
  auto honest = parse_policy_list({"honest"});
  ASSERT_OK(honest.status());
  EXPECT_EQ(*honest, all_policies());
  EXPECT_TRUE(parse_policy_list({"honest", "none"})->empty());
  EXPECT_FALSE(parse_policy_list({"sideways"}).ok());
  for (Policy p : all_policies()) EXPECT_EQ(parse_policy(policy_name(p)), p);
}

}  // namespace
}  // namespace strata::faults
