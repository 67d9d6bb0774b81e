// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {OracleQuorum} from "./OracleQuorum.sol";

/// @title Escrow for AI jobs, settled in batches attested by M of N oracles.
/// @notice A payer deposits for a job (provider, maximum amount, deadline). The oracles check the
/// job's work receipts off-chain and sign a batch of settlements (job, provider, amount used); a
/// relayer submits it. Each job closes once: settled by a batch, or refunded after its deadline.
/// The provider is credited what the job used and the payer what it did not; both withdraw (pull).
///
/// @dev Laid out for settling 1,000 jobs in one transaction at a few thousand gas each, where one
/// naive settlement costs ~80,000: a job's deposit (payer, provider, maximum) is 85 bits, three to
/// a slot; "closed" is one bit, 256 to a slot; payers and providers are 24-bit account ids. A batch
/// is 20 bytes of calldata per job, in ascending job order (so a job cannot appear twice), walked
/// with a cursor that reads each bitmap and deposit word once per run of consecutive jobs.
/// Deposits are whole multiples of DEPOSIT_UNIT; amounts used and balances are in gwei and wei.
contract JobEscrow is OracleQuorum, ReentrancyGuard {
    /// The EIP-712 type the oracles sign. `entries` is the packed batch (hashed, as EIP-712 does
    /// for `bytes`): per job uint64 jobId, uint32 providerId, uint64 usedGwei.
    bytes32 public constant SETTLEMENT_TYPEHASH =
        keccak256("Settlement(uint64 nonce,uint64 deadline,bytes entries)");
    uint256 private constant ENTRY_LENGTH = 20;
    /// Deposits are whole multiples of this (10,000 gwei, 0.00001 ether); used amounts are gwei.
    uint256 public constant DEPOSIT_UNIT = 10_000 gwei;
    uint64 private constant UNIT_GWEI = 10_000;
    uint256 private constant MAX_UNITS = (1 << 37) - 1;
    uint256 private constant RECORD_BITS = 85;
    uint32 private constant MAX_ACCOUNTS = (1 << 24) - 1;

    /// jobId / 3 => three deposits of 85 bits: payerId (24) | providerId (24) | maximum (37, in
    /// units of 10,000 gwei: up to ~1.37 million ether). Three to a slot, not two: the cold read
    /// of this slot is the largest cost of settling a job.
    mapping(uint256 => uint256) private _deposits;
    /// jobId >> 2 => four deadlines of 64 bits (unix seconds); read only by refunds.
    mapping(uint256 => uint256) private _deadlines;
    /// jobId >> 8 => 256 bits: closed (settled or refunded).
    mapping(uint256 => uint256) private _closed;
    /// The escrow's job id plus one (0: none) for keccak256(payer, job key). A key counts per payer:
    /// a stranger who deposits under a job's key first (with a provider of their own, or one wei)
    /// does not take the key from the job's payer. The job key is the AIJob's deposit key, derived
    /// from its identity on the network (network id, namespace, name, UID), so it names one job.
    mapping(bytes32 => uint256) private _jobIdPlusOne;

    mapping(address => uint32) public accountIdOf;
    mapping(uint32 => address) public accountOf;
    uint32 public accountCount;
    /// What each account can withdraw, in wei.
    mapping(uint32 => uint256) public balanceOf;

    uint64 public nextJobId;
    /// The nonce the next settlement batch must carry.
    uint64 public settlementNonce;
    /// Wei deposited and not withdrawn: always the contract's balance (bar forced sends).
    uint256 public totalHeld;

    event Deposited(
        uint64 indexed jobId,
        bytes32 indexed jobKey,
        address indexed payer,
        address provider,
        uint32 providerId,
        uint256 maxAmount,
        uint64 deadline
    );
    /// One event per batch: the jobs in `entries` (its hash here, the bytes in the calldata) were
    /// settled, except `skipped` ones closed before (refunded, or settled by an earlier batch).
    event BatchSettled(
        uint64 indexed nonce, bytes32 entriesHash, uint256 settled, uint256 skipped, uint256 paid, uint256 refunded
    );
    event Refunded(uint64 indexed jobId, address indexed payer, uint256 amount);
    event ToppedUp(uint64 indexed jobId, uint256 added, uint256 maxAmount, uint64 deadline);
    event Withdrawn(address indexed account, address to, uint256 amount);

    error ZeroDeposit();
    error NotWholeUnit(uint256 amount, uint256 unit);
    error TooManyAccounts();
    error DepositTooLarge(uint256 amount);
    error InvalidProvider();
    error DeadlineInPast(uint64 deadline);
    error JobKeyUsed(bytes32 jobKey, uint64 jobId);
    error BatchExpired(uint64 deadline);
    error WrongNonce(uint64 given, uint64 expected);
    error EntriesMalformed(uint256 length);
    error JobsNotAscending(uint64 jobId);
    error UnknownJob(uint64 jobId);
    error ProviderMismatch(uint64 jobId, uint32 given, uint32 deposited);
    error OverMaximum(uint64 jobId, uint64 usedGwei, uint64 maxGwei);
    error NotExpired(uint64 jobId, uint64 deadline);
    error AlreadyClosed(uint64 jobId);
    error NothingToWithdraw();
    error NotPayer(uint64 jobId, address caller);
    error DeadlineShortened(uint64 given, uint64 current);
    error TransferFailed(address to, uint256 amount);

    constructor(address governance, address[] memory oracles, uint256 threshold_)
        OracleQuorum("aifabric JobEscrow", governance, oracles, threshold_)
    {}

    /// Deposits `msg.value` (a whole number of DEPOSIT_UNIT) for a job run by `provider`; refundable after `deadline`
    /// if no settlement closed it. `jobKey` identifies the job off-chain, once per payer.
    function deposit(bytes32 jobKey, address provider, uint64 deadline) external payable returns (uint64 jobId) {
        if (msg.value == 0) revert ZeroDeposit();
        if (msg.value % DEPOSIT_UNIT != 0) revert NotWholeUnit(msg.value, DEPOSIT_UNIT);
        uint256 maxUnits = msg.value / DEPOSIT_UNIT;
        if (maxUnits > MAX_UNITS) revert DepositTooLarge(msg.value);
        if (provider == address(0)) revert InvalidProvider();
        if (deadline <= block.timestamp) revert DeadlineInPast(deadline);
        bytes32 slot = _keySlot(msg.sender, jobKey);
        if (_jobIdPlusOne[slot] != 0) revert JobKeyUsed(jobKey, uint64(_jobIdPlusOne[slot] - 1));

        jobId = nextJobId++;
        _jobIdPlusOne[slot] = uint256(jobId) + 1;
        uint32 payerId = _account(msg.sender);
        uint32 providerId = _account(provider);
        uint256 record = (uint256(payerId) << 61) | (uint256(providerId) << 37) | maxUnits;
        _deposits[jobId / 3] |= record << ((jobId % 3) * RECORD_BITS);
        _deadlines[jobId >> 2] |= uint256(deadline) << ((jobId & 3) * 64);
        totalHeld += msg.value;
        emit Deposited(jobId, jobKey, msg.sender, provider, providerId, msg.value, deadline);
    }

    /// The payer adds `msg.value` (whole DEPOSIT_UNITs, possibly none) to an open deposit and may move
    /// its deadline later, never earlier: a job found underfunded or too short-lived before it was
    /// dispatched is funded without being re-created. Only the payer: no one else can change what
    /// a payer agreed to.
    function topUp(uint64 jobId, uint64 deadline) external payable {
        if (jobId >= nextJobId) revert UnknownJob(jobId);
        if (msg.value % DEPOSIT_UNIT != 0) revert NotWholeUnit(msg.value, DEPOSIT_UNIT);
        uint256 shift = (jobId % 3) * RECORD_BITS;
        uint256 word = _deposits[jobId / 3];
        (uint32 payerId,, uint64 maxGwei) = _unpack(word, jobId);
        if (accountOf[payerId] != msg.sender) revert NotPayer(jobId, msg.sender);
        if (_closed[jobId >> 8] & (1 << (jobId & 255)) != 0) revert AlreadyClosed(jobId);
        uint64 current = _deadline(jobId);
        if (deadline < current) revert DeadlineShortened(deadline, current);
        uint256 units = uint256(maxGwei / UNIT_GWEI) + msg.value / DEPOSIT_UNIT;
        if (units > MAX_UNITS) revert DepositTooLarge(units * DEPOSIT_UNIT);
        // Only the maximum's 37 bits of this job's record change.
        _deposits[jobId / 3] = (word & ~(MAX_UNITS << shift)) | (units << shift);
        uint256 dshift = (jobId & 3) * 64;
        _deadlines[jobId >> 2] = (_deadlines[jobId >> 2] & ~(uint256(type(uint64).max) << dshift))
            | (uint256(deadline) << dshift);
        totalHeld += msg.value;
        emit ToppedUp(jobId, msg.value, units * DEPOSIT_UNIT, deadline);
    }

    /// Settles a batch the oracles signed. Jobs already closed are skipped (counted in the event):
    /// a refund racing a batch must not sink the other 999 jobs in it.
    function settle(uint64 nonce, uint64 deadline, bytes calldata entries, bytes calldata signatures) external {
        if (deadline < block.timestamp) revert BatchExpired(deadline);
        if (nonce != settlementNonce) revert WrongNonce(nonce, settlementNonce);
        if (entries.length == 0 || entries.length % ENTRY_LENGTH != 0) revert EntriesMalformed(entries.length);
        bytes32 entriesHash = keccak256(entries);
        _requireQuorum(_settlementDigest(nonce, deadline, entriesHash), signatures);
        settlementNonce = nonce + 1;

        uint256 count = entries.length / ENTRY_LENGTH;
        (uint256 settled, uint256 paidGwei, uint256 refundedGwei) = _settleEntries(entries, count);
        emit BatchSettled(nonce, entriesHash, settled, count - settled, paidGwei * 1 gwei, refundedGwei * 1 gwei);
    }

    /// The storage words a batch walks through. Job ids ascend, so consecutive jobs share their
    /// closed-bitmap word (256 jobs) and deposit word (2 jobs): each is read once per run and the
    /// bitmap written once per run, instead of once per job.
    struct Cursor {
        uint256 closedIndex;
        uint256 closedWord;
        bool closedDirty;
        uint256 depositIndex;
        uint256 depositWord;
    }

    function _settleEntries(bytes calldata entries, uint256 count)
        private
        returns (uint256 settled, uint256 paidGwei, uint256 refundedGwei)
    {
        Cursor memory cursor = Cursor(type(uint256).max, 0, false, type(uint256).max, 0);
        uint64 jobs = nextJobId;
        uint64 previous;
        for (uint256 i; i < count;) {
            uint256 word;
            assembly ("memory-safe") {
                word := calldataload(add(entries.offset, mul(i, ENTRY_LENGTH)))
            }
            uint64 jobId = uint64(word >> 192);
            if (i > 0 && jobId <= previous) revert JobsNotAscending(jobId);
            previous = jobId;
            if (jobId >= jobs) revert UnknownJob(jobId);
            (bool closedNow, uint64 usedGwei, uint64 refundGwei) =
                _settleEntry(jobId, uint32(word >> 160), uint64(word >> 96), cursor);
            // Unchecked: each term is a uint64 and there are fewer than 2^64 of them.
            unchecked {
                if (closedNow) {
                    paidGwei += usedGwei;
                    refundedGwei += refundGwei;
                    ++settled;
                }
                ++i;
            }
        }
        if (cursor.closedDirty) _closed[cursor.closedIndex] = cursor.closedWord;
    }

    /// Closes one job and credits its provider and payer, unless it was closed before.
    function _settleEntry(uint64 jobId, uint32 providerId, uint64 usedGwei, Cursor memory cursor)
        private
        returns (bool closedNow, uint64 used, uint64 refund)
    {
        uint256 closedIndex = jobId >> 8;
        if (closedIndex != cursor.closedIndex) {
            if (cursor.closedDirty) _closed[cursor.closedIndex] = cursor.closedWord;
            cursor.closedIndex = closedIndex;
            cursor.closedWord = _closed[closedIndex];
            cursor.closedDirty = false;
        }
        uint256 bit = 1 << (jobId & 255);
        if (cursor.closedWord & bit != 0) return (false, 0, 0);
        if (jobId / 3 != cursor.depositIndex) {
            cursor.depositIndex = jobId / 3;
            cursor.depositWord = _deposits[jobId / 3];
        }
        (uint32 payerId, uint32 depositedProvider, uint64 maxGwei) = _unpack(cursor.depositWord, jobId);
        if (providerId != depositedProvider) revert ProviderMismatch(jobId, providerId, depositedProvider);
        if (usedGwei > maxGwei) revert OverMaximum(jobId, usedGwei, maxGwei);

        cursor.closedWord |= bit;
        cursor.closedDirty = true;
        // Unchecked: balances are bounded by the ether this contract holds.
        unchecked {
            if (usedGwei > 0) balanceOf[providerId] += uint256(usedGwei) * 1 gwei;
            if (usedGwei < maxGwei) balanceOf[payerId] += uint256(maxGwei - usedGwei) * 1 gwei;
            return (true, usedGwei, maxGwei - usedGwei);
        }
    }

    /// Refunds a job nobody settled by its deadline: its whole deposit goes to the payer's balance.
    function refundExpired(uint64 jobId) external {
        if (jobId >= nextJobId) revert UnknownJob(jobId);
        uint64 deadline = _deadline(jobId);
        if (block.timestamp <= deadline) revert NotExpired(jobId, deadline);
        uint256 bit = 1 << (jobId & 255);
        if (_closed[jobId >> 8] & bit != 0) revert AlreadyClosed(jobId);
        _closed[jobId >> 8] |= bit;
        (uint32 payerId,, uint64 maxGwei) = _unpack(_deposits[jobId / 3], jobId);
        uint256 amount = uint256(maxGwei) * 1 gwei;
        balanceOf[payerId] += amount;
        emit Refunded(jobId, accountOf[payerId], amount);
    }

    /// Sends the caller's whole balance to the caller.
    function withdraw() external {
        withdrawTo(payable(msg.sender));
    }

    /// Sends the caller's whole balance to `to`: a provider whose own address cannot receive
    /// ether (a contract that reverts on receive) can still be paid.
    function withdrawTo(address payable to) public nonReentrant {
        uint32 id = accountIdOf[msg.sender];
        uint256 amount = balanceOf[id];
        if (id == 0 || amount == 0) revert NothingToWithdraw();
        balanceOf[id] = 0;
        totalHeld -= amount;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
        emit Withdrawn(msg.sender, to, amount);
    }

    /// A job's deposit as the oracles and the bridge read it.
    function depositOf(uint64 jobId)
        external
        view
        returns (address payer, address provider, uint32 providerId, uint256 maxAmount, uint64 deadline, bool closed)
    {
        if (jobId >= nextJobId) revert UnknownJob(jobId);
        (uint32 payerId, uint32 providerId_, uint64 maxGwei) = _unpack(_deposits[jobId / 3], jobId);
        providerId = providerId_;
        payer = accountOf[payerId];
        provider = accountOf[providerId];
        maxAmount = uint256(maxGwei) * 1 gwei;
        deadline = _deadline(jobId);
        closed = _closed[jobId >> 8] & (1 << (jobId & 255)) != 0;
    }

    /// The escrow's job id for a job key deposited by `payer`, if there is one.
    function jobIdOf(address payer, bytes32 jobKey) external view returns (bool found, uint64 jobId) {
        uint256 plusOne = _jobIdPlusOne[_keySlot(payer, jobKey)];
        return (plusOne != 0, plusOne == 0 ? 0 : uint64(plusOne - 1));
    }

    /// The EIP-712 digest the oracles sign for a batch.
    function settlementDigest(uint64 nonce, uint64 deadline, bytes calldata entries) external view returns (bytes32) {
        return _settlementDigest(nonce, deadline, keccak256(entries));
    }

    function _settlementDigest(uint64 nonce, uint64 deadline, bytes32 entriesHash) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SETTLEMENT_TYPEHASH, nonce, deadline, entriesHash)));
    }

    function _keySlot(address payer, bytes32 jobKey) private pure returns (bytes32) {
        return keccak256(abi.encode(payer, jobKey));
    }

    function _deadline(uint64 jobId) private view returns (uint64) {
        return uint64(_deadlines[jobId >> 2] >> ((jobId & 3) * 64));
    }

    /// One job's deposit from its slot: payer and provider account ids, maximum in gwei.
    function _unpack(uint256 word, uint64 jobId)
        private
        pure
        returns (uint32 payerId, uint32 providerId, uint64 maxGwei)
    {
        uint256 record = word >> ((jobId % 3) * RECORD_BITS);
        payerId = uint32((record >> 61) & 0xFFFFFF);
        providerId = uint32((record >> 37) & 0xFFFFFF);
        maxGwei = uint64(record & MAX_UNITS) * UNIT_GWEI;
    }

    function _account(address who) private returns (uint32 id) {
        id = accountIdOf[who];
        if (id == 0) {
            if (accountCount == MAX_ACCOUNTS) revert TooManyAccounts();
            id = ++accountCount;
            accountIdOf[who] = id;
            accountOf[id] = who;
        }
    }
}
