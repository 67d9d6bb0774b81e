// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {JobEscrow} from "../../main/solidity/JobEscrow.sol";
import {OracleQuorum} from "../../main/solidity/OracleQuorum.sol";
import {EscrowTestBase} from "./EscrowTestBase.sol";

/// Every attack on settlement, each its own test, and the honest paths they are measured against.
contract JobEscrowTest is EscrowTestBase {
    uint64 internal job;
    bytes internal entries;

    function setUp() public override {
        super.setUp();
        job = _deposit(provider, 10 ether, uint64(block.timestamp + 1 days));
        entries = _entry(job, _providerId(provider), 6e9); // 6 of 10 ether used
    }

    // ---- the honest path --------------------------------------------------------------------

    function testSettlesPaysProviderAndRefundsTheRest() public {
        _settle(entries);
        _eq(escrow.balanceOf(_providerId(provider)), 6 ether, "provider credit");
        _eq(escrow.balanceOf(escrow.accountIdOf(payer)), 4 ether, "payer refund");
        (,,,,, bool closed) = escrow.depositOf(job);
        if (!closed) revert("job not closed");

        uint256 before = provider.balance;
        vm.prank(provider);
        escrow.withdraw();
        _eq(provider.balance - before, 6 ether, "provider withdrew");
        _eq(escrow.balanceOf(_providerId(provider)), 0, "provider balance after");
        _eq(address(escrow).balance, 4 ether, "escrow keeps the payer's refund");
        _eq(escrow.totalHeld(), 4 ether, "totalHeld");
    }

    function testExtraValidSignatureBeyondThresholdIsAccepted() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        bytes memory all = abi.encodePacked(
            _signature(oracleKeys[0], digest), _signature(oracleKeys[1], digest), _signature(oracleKeys[2], digest)
        );
        escrow.settle(0, deadline, entries, all);
        _eq(escrow.settlementNonce(), 1, "nonce");
    }

    // ---- replay -----------------------------------------------------------------------------

    function testReplayOnAnotherChainIdIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, entries); // signed for this chain
        vm.chainId(block.chainid + 1); // a fork, or the same contract address on another chain
        // The digest there has the other chain id: the signers recover to strangers.
        vm.expectRevert(_strangerSigned(escrow.settlementDigest(0, deadline, entries), signatures));
        escrow.settle(0, deadline, entries, signatures);
    }

    function testReplayOnAnotherDeploymentIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        JobEscrow other = _deploy();
        vm.prank(payer);
        other.deposit{value: 10 ether}(bytes32("other"), provider, uint64(block.timestamp + 1 days));
        bytes memory signatures = _sign(0, deadline, entries); // signed for `escrow`
        vm.expectRevert(_strangerSigned(other.settlementDigest(0, deadline, entries), signatures));
        other.settle(0, deadline, entries, signatures);
    }

    function testDoubleSettlementOfTheSameBatchIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, entries);
        escrow.settle(0, deadline, entries, signatures);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.WrongNonce.selector, 0, 1));
        escrow.settle(0, deadline, entries, signatures);
    }

    function testJobSettledAgainInANewBatchIsNotPaidTwice() public {
        _settle(entries);
        _settle(entries); // a new nonce, properly signed, the same job
        _eq(escrow.balanceOf(_providerId(provider)), 6 ether, "provider paid once");
        _eq(escrow.balanceOf(escrow.accountIdOf(payer)), 4 ether, "payer refunded once");
    }

    function testDuplicateJobInOneBatchIsRefused() public {
        bytes memory twice = abi.encodePacked(entries, entries);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, twice);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.JobsNotAscending.selector, job));
        escrow.settle(0, deadline, twice, signatures);
    }

    // ---- signatures -------------------------------------------------------------------------

    function testHighSSignatureIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(oracleKeys[0], digest);
        // The malleable twin: same signer, s' = n - s, v flipped. ecrecover accepts it; we must not.
        bytes memory twin = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        bytes memory signatures = abi.encodePacked(twin, _signature(oracleKeys[1], digest));
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.InvalidSignature.selector, 0));
        escrow.settle(0, deadline, entries, signatures);
    }

    function testWrongVIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        (, bytes32 r, bytes32 s) = vm.sign(oracleKeys[0], digest);
        bytes memory signatures = abi.encodePacked(r, s, uint8(1), _signature(oracleKeys[1], digest));
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.InvalidSignature.selector, 0));
        escrow.settle(0, deadline, entries, signatures);
    }

    function testSixtyFourByteSignatureIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        (, bytes32 r, bytes32 s) = vm.sign(oracleKeys[0], digest);
        // An ERC-2098 compact signature: 64 bytes. Not accepted: the batch's length is off.
        bytes memory signatures = abi.encodePacked(r, s, _signature(oracleKeys[1], digest));
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.SignaturesMalformed.selector, 129));
        escrow.settle(0, deadline, entries, signatures);
    }

    function testSignerRecoveringToZeroIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        // r = 0 is not a point: ecrecover returns address(0), which must never count as a signer.
        bytes memory zero = abi.encodePacked(bytes32(0), bytes32(uint256(1)), uint8(27));
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.InvalidSignature.selector, 0));
        escrow.settle(0, deadline, entries, abi.encodePacked(zero, _signature(oracleKeys[1], digest)));
    }

    function testDuplicateSignerIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        bytes memory one = _signature(oracleKeys[0], digest);
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.SignersNotAscending.selector, 1, vm.addr(oracleKeys[0])));
        escrow.settle(0, deadline, entries, abi.encodePacked(one, one));
    }

    function testUnsortedSignersAreRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        bytes memory signatures = abi.encodePacked(_signature(oracleKeys[1], digest), _signature(oracleKeys[0], digest));
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.SignersNotAscending.selector, 1, vm.addr(oracleKeys[0])));
        escrow.settle(0, deadline, entries, signatures);
    }

    function testUnknownSignerIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        uint256 stranger = 0xBAD;
        bytes memory signatures = vm.addr(stranger) < vm.addr(oracleKeys[0])
            ? abi.encodePacked(_signature(stranger, digest), _signature(oracleKeys[0], digest))
            : abi.encodePacked(_signature(oracleKeys[0], digest), _signature(stranger, digest));
        uint256 index = vm.addr(stranger) < vm.addr(oracleKeys[0]) ? 0 : 1;
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.NotAnOracle.selector, index, vm.addr(stranger)));
        escrow.settle(0, deadline, entries, signatures);
    }

    function testOneSignatureShortIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(0, deadline, entries);
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.TooFewSignatures.selector, 1, 2));
        escrow.settle(0, deadline, entries, _signature(oracleKeys[0], digest));
    }

    function testThresholdZeroIsRefused() public {
        address[] memory none = new address[](0);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.ThresholdOutOfRange.selector, 0, 3));
        escrow.changeOracles(none, none, 0);

        address[] memory oracles = new address[](1);
        oracles[0] = vm.addr(oracleKeys[0]);
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.ThresholdOutOfRange.selector, 0, 1));
        new JobEscrow(governance, oracles, 0);
    }

    function testThresholdAboveOracleCountIsRefused() public {
        address[] memory none = new address[](0);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.ThresholdOutOfRange.selector, 4, 3));
        escrow.changeOracles(none, none, 4);
    }

    function testOnlyGovernanceChangesOracles() public {
        address[] memory add = new address[](1);
        add[0] = address(0xEE1);
        vm.expectRevert(abi.encodeWithSelector(OWNABLE_UNAUTHORIZED, address(this)));
        escrow.changeOracles(add, new address[](0), 1);
    }

    function testRemovedOracleNoLongerCounts() public {
        address[] memory remove = new address[](1);
        remove[0] = vm.addr(oracleKeys[0]);
        vm.prank(governance);
        escrow.changeOracles(new address[](0), remove, 2);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, entries);
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.NotAnOracle.selector, 0, vm.addr(oracleKeys[0])));
        escrow.settle(0, deadline, entries, signatures);
    }

    // ---- tampering --------------------------------------------------------------------------

    function testTamperedAmountIsRefused() public {
        _tampered(_entry(job, _providerId(provider), 10e9));
    }

    function testTamperedProviderIsRefused() public {
        _deposit(provider2, 1 ether, uint64(block.timestamp + 1 days)); // gives provider2 an id
        _tampered(_entry(job, _providerId(provider2), 6e9));
    }

    function testTamperedJobIsRefused() public {
        uint64 other = _deposit(provider, 10 ether, uint64(block.timestamp + 1 days));
        _tampered(_entry(other, _providerId(provider), 6e9));
    }

    function testTamperedNonceIsRefused() public {
        _settle(_entry(_deposit(provider, 1 ether, uint64(block.timestamp + 1 days)), _providerId(provider), 1e9));
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, entries); // signed for nonce 0, sent as nonce 1
        vm.expectRevert(_strangerSigned(escrow.settlementDigest(1, deadline, entries), signatures));
        escrow.settle(1, deadline, entries, signatures);
    }

    function testTamperedDeadlineIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, entries);
        vm.expectRevert(
            _strangerSigned(escrow.settlementDigest(0, deadline + 1 days, entries), signatures)
        );
        escrow.settle(0, deadline + 1 days, entries, signatures);
    }

    /// The relayer submits `tampered` with the oracles' signatures over the honest `entries`.
    function _tampered(bytes memory tampered) private {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, entries);
        // The signatures are over other entries: they recover to strangers before any entry is
        // looked at (a provider or amount check must not be what refuses a tampered batch).
        vm.expectRevert(_strangerSigned(escrow.settlementDigest(0, deadline, tampered), signatures));
        escrow.settle(0, deadline, tampered, signatures);
        _eq(escrow.settlementNonce(), 0, "nothing settled");
    }

    function testOraclesSigningAWrongProviderStillCannotRedirectPayment() public {
        _deposit(provider2, 1 ether, uint64(block.timestamp + 1 days));
        bytes memory wrong = _entry(job, _providerId(provider2), 6e9);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, wrong); // a quorum that was fooled, or colludes
        vm.expectRevert(
            abi.encodeWithSelector(JobEscrow.ProviderMismatch.selector, job, _providerId(provider2), _providerId(provider))
        );
        escrow.settle(0, deadline, wrong, signatures);
    }

    function testOraclesSigningMoreThanTheDepositStillCannotOverpay() public {
        bytes memory over = _entry(job, _providerId(provider), 10e9 + 1);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, over);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.OverMaximum.selector, job, 10e9 + 1, 10e9));
        escrow.settle(0, deadline, over, signatures);
    }

    function testUnknownJobIsRefused() public {
        bytes memory unknown = _entry(job + 1, _providerId(provider), 1);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, unknown);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.UnknownJob.selector, job + 1));
        escrow.settle(0, deadline, unknown, signatures);
    }

    function testExpiredBatchIsRefused() public {
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, entries);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.BatchExpired.selector, deadline));
        escrow.settle(0, deadline, entries, signatures);
    }

    function testMalformedEntriesAreRefused() public {
        bytes memory cut = abi.encodePacked(entries, bytes1(0));
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _sign(0, deadline, cut);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.EntriesMalformed.selector, 21));
        escrow.settle(0, deadline, cut, signatures);
    }

    /// 600 jobs, each its own payer and provider: 1,200 accounts, more than the batch's in-memory
    /// credit table holds (half of 2,048 slots), so the last ones are credited in storage directly.
    function testLargeBatchOfDistinctAccountsCreditsEveryoneExactly() public {
        uint256 n = 600;
        bytes memory batch;
        for (uint256 i; i < n; ++i) {
            address payer_ = address(uint160(0x100000 + i));
            address provider_ = address(uint160(0x200000 + i));
            vm.deal(payer_, 1 ether);
            vm.prank(payer_);
            uint64 id = escrow.deposit{value: (i + 1) * 10_000 gwei}(bytes32(i + 1), provider_, uint64(block.timestamp + 1 days));
            batch = abi.encodePacked(batch, id, _providerId(provider_), uint64(i + 1));
        }
        _settle(batch);
        for (uint256 i; i < n; ++i) {
            _eq(escrow.balanceOf(_providerId(address(uint160(0x200000 + i)))), (i + 1) * 1 gwei, "provider credit");
            _eq(
                escrow.balanceOf(escrow.accountIdOf(address(uint160(0x100000 + i)))),
                (i + 1) * 10_000 gwei - (i + 1) * 1 gwei,
                "payer refund"
            );
        }
    }

    // ---- refunds ----------------------------------------------------------------------------

    function testRefundBeforeDeadlineIsRefused() public {
        (,,,, uint64 deadline,) = escrow.depositOf(job);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.NotExpired.selector, job, deadline));
        escrow.refundExpired(job);
    }

    function testRefundAfterDeadlineReturnsTheWholeDepositOnce() public {
        (,,,, uint64 deadline,) = escrow.depositOf(job);
        vm.warp(deadline + 1);
        escrow.refundExpired(job);
        _eq(escrow.balanceOf(escrow.accountIdOf(payer)), 10 ether, "payer refund");
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.AlreadyClosed.selector, job));
        escrow.refundExpired(job);
        // A settlement arriving late skips the refunded job: nobody is paid twice.
        _settle(entries);
        _eq(escrow.balanceOf(_providerId(provider)), 0, "provider not paid for a refunded job");
        _eq(escrow.balanceOf(escrow.accountIdOf(payer)), 10 ether, "payer refunded once");
    }

    function testRefundCannotRaceASettlementThatLandsByTheDepositDeadline() public {
        (,,,, uint64 deadline,) = escrow.depositOf(job);
        // The oracles sign early, for a batch valid up to the deposit's own deadline.
        bytes memory signatures = _sign(0, deadline, entries);
        // The payer tries to get in first, in the deposit's last second: refused.
        vm.warp(deadline);
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.NotExpired.selector, job, deadline));
        escrow.refundExpired(job);
        // The settlement lands in that same second.
        escrow.settle(0, deadline, entries, signatures);
        _eq(escrow.balanceOf(_providerId(provider)), 6 ether, "provider paid");
        // Once the deadline has passed the job is closed: no refund of the paid part, ever.
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.AlreadyClosed.selector, job));
        escrow.refundExpired(job);
        _eq(escrow.balanceOf(escrow.accountIdOf(payer)), 4 ether, "payer gets only the unused rest");
    }

    function testSettledJobCannotBeRefunded() public {
        _settle(entries);
        (,,,, uint64 deadline,) = escrow.depositOf(job);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.AlreadyClosed.selector, job));
        escrow.refundExpired(job);
    }

    // ---- withdrawals ------------------------------------------------------------------------

    function testReentrantProviderCannotWithdrawTwice() public {
        Reentrant attacker = new Reentrant(escrow);
        uint64 attacked = _deposit(address(attacker), 5 ether, uint64(block.timestamp + 1 days));
        _settle(_entry(attacked, _providerId(address(attacker)), 5e9));
        attacker.attack();
        _eq(address(attacker).balance, 5 ether, "attacker got its balance once");
        _eq(attacker.reentered(), 1, "the re-entry was tried");
        if (attacker.reentrySucceeded()) revert("re-entrant withdraw succeeded");
        _eq(address(escrow).balance, 10 ether, "the payer's deposit is intact");
    }

    function testProviderThatRevertsOnReceiveLosesNothingAndCanRedirect() public {
        Refuser refuser = new Refuser(escrow);
        uint64 refused = _deposit(address(refuser), 3 ether, uint64(block.timestamp + 1 days));
        _settle(_entry(refused, _providerId(address(refuser)), 3e9));
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.TransferFailed.selector, address(refuser), 3 ether));
        refuser.withdraw();
        _eq(escrow.balanceOf(_providerId(address(refuser))), 3 ether, "balance kept after a failed send");
        // Other accounts are not blocked by it (pull payments).
        _settle(entries);
        vm.prank(provider);
        escrow.withdraw();
        refuser.withdrawTo(payable(address(0xD00D)));
        _eq(address(0xD00D).balance, 3 ether, "redirected");
    }

    function testNothingToWithdrawIsRefused() public {
        vm.prank(address(0x5EE));
        vm.expectRevert(JobEscrow.NothingToWithdraw.selector);
        escrow.withdraw();
    }

    // ---- deposits ---------------------------------------------------------------------------

    function testBadDepositsAreRefused() public {
        uint64 tomorrow = uint64(block.timestamp + 1 days);
        vm.startPrank(payer);
        vm.expectRevert(JobEscrow.ZeroDeposit.selector);
        escrow.deposit(bytes32("a"), provider, tomorrow);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.NotWholeUnit.selector, 1 ether + 1 gwei, 10_000 gwei));
        escrow.deposit{value: 1 ether + 1 gwei}(bytes32("a"), provider, tomorrow);
        vm.expectRevert(JobEscrow.InvalidProvider.selector);
        escrow.deposit{value: 1 ether}(bytes32("a"), address(0), tomorrow);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.DeadlineInPast.selector, uint64(block.timestamp)));
        escrow.deposit{value: 1 ether}(bytes32("a"), provider, uint64(block.timestamp));
        escrow.deposit{value: 1 ether}(bytes32("a"), provider, tomorrow);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.JobKeyUsed.selector, bytes32("a"), job + 1));
        escrow.deposit{value: 1 ether}(bytes32("a"), provider, tomorrow);
        vm.stopPrank();
    }

    /// An underfunded or short-lived deposit is topped up by its payer: more to spend, a later
    /// deadline, the neighbours in its packed slots untouched; the settlement can then use it all.
    function testThePayerTopsUpAnOpenDeposit() public {
        uint64 tomorrow = uint64(block.timestamp + 1 days);
        uint64 before = _deposit(provider, 1 ether, tomorrow);
        uint64 topped = _deposit(provider, 1 ether, tomorrow);
        uint64 after_ = _deposit(provider, 3 ether, tomorrow);

        vm.prank(payer);
        escrow.topUp{value: 2 ether}(topped, tomorrow + 1 days);

        (,,, uint256 maxAmount, uint64 deadline, bool closed) = escrow.depositOf(topped);
        require(maxAmount == 3 ether && deadline == tomorrow + 1 days && !closed, "topped up");
        (,,, maxAmount, deadline,) = escrow.depositOf(before);
        require(maxAmount == 1 ether && deadline == tomorrow, "the neighbour before is untouched");
        (,,, maxAmount, deadline,) = escrow.depositOf(after_);
        require(maxAmount == 3 ether && deadline == tomorrow, "the neighbour after is untouched");

        _settle(_entry(topped, _providerId(provider), 3e9));
        require(escrow.balanceOf(_providerId(provider)) == 3 ether, "the settlement used all of it");
    }

    function testOnlyThePayerTopsUpAnOpenDepositAndNeverShortensIt() public {
        uint64 tomorrow = uint64(block.timestamp + 1 days);
        uint64 job_ = _deposit(provider, 1 ether, tomorrow);
        address stranger = address(0x5742);
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.NotPayer.selector, job_, stranger));
        escrow.topUp{value: 10_000 gwei}(job_, tomorrow);

        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.DeadlineShortened.selector, tomorrow - 1, tomorrow));
        escrow.topUp(job_, tomorrow - 1);

        vm.warp(tomorrow + 1);
        escrow.refundExpired(job_);
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.AlreadyClosed.selector, job_));
        escrow.topUp{value: 10_000 gwei}(job_, tomorrow + 1 days);
    }

    /// A stranger who deposits first under a job's key (one unit, to a provider of their own) must
    /// not take the key from the job's payer, nor be found as that job's deposit.
    function testAStrangersDepositUnderAJobsKeyDoesNotTakeItFromThePayer() public {
        uint64 tomorrow = uint64(block.timestamp + 1 days);
        bytes32 key = keccak256("ml-team/train/uid-1");
        address stranger = address(0x5742);
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        uint64 squatted = escrow.deposit{value: 10_000 gwei}(key, stranger, tomorrow);

        vm.prank(payer);
        uint64 real = escrow.deposit{value: 2 ether}(key, provider, tomorrow);

        (bool found, uint64 id) = escrow.jobIdOf(payer, key);
        require(found && id == real, "the payer's deposit is the one found under its key");
        (found, id) = escrow.jobIdOf(stranger, key);
        require(found && id == squatted, "the stranger's deposit counts only under the stranger");
        (found,) = escrow.jobIdOf(provider, key);
        require(!found, "nobody else deposited under the key");
    }

    /// Deposits pack three to a slot and deadlines four: neighbours must never bleed into each other.
    function testFuzzPackedDepositsKeepTheirOwnValues(uint64[6] memory amounts, uint32[6] memory hours_) public {
        uint64[6] memory ids;
        for (uint256 i; i < 6; ++i) {
            uint256 amount = (uint256(amounts[i]) % 1e8 + 1) * 10_000 gwei;
            uint64 deadline = uint64(block.timestamp + 1 + uint256(hours_[i]) * 3600);
            ids[i] = _deposit(i % 2 == 0 ? provider : provider2, amount, deadline);
        }
        for (uint256 i; i < 6; ++i) {
            (address p, address to,, uint256 max, uint64 deadline, bool closed) = escrow.depositOf(ids[i]);
            _eq(uint160(p), uint160(payer), "payer");
            _eq(uint160(to), uint160(i % 2 == 0 ? provider : provider2), "provider");
            _eq(max, (uint256(amounts[i]) % 1e8 + 1) * 10_000 gwei, "max");
            _eq(deadline, block.timestamp + 1 + uint256(hours_[i]) * 3600, "deadline");
            if (closed) revert("closed");
        }
    }
}

/// A provider that tries to withdraw again from inside the transfer.
contract Reentrant {
    JobEscrow private immutable escrow;
    uint256 public reentered;
    bool public reentrySucceeded;

    constructor(JobEscrow escrow_) {
        escrow = escrow_;
    }

    function attack() external {
        escrow.withdraw();
    }

    receive() external payable {
        ++reentered;
        try escrow.withdraw() {
            reentrySucceeded = true;
        } catch {}
    }
}

/// A provider contract that cannot receive ether.
contract Refuser {
    JobEscrow private immutable escrow;

    constructor(JobEscrow escrow_) {
        escrow = escrow_;
    }

    function withdraw() external {
        escrow.withdraw();
    }

    function withdrawTo(address payable to) external {
        escrow.withdrawTo(to);
    }

    receive() external payable {
        revert("no thanks");
    }
}
