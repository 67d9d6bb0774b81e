// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {JobEscrow} from "../../main/solidity/JobEscrow.sol";
import {EscrowTestBase} from "./EscrowTestBase.sol";
import {Vm} from "./QuorumTestBase.sol";

/// Random deposits, settlements (honest, partial, repeated), expiries, refunds and withdrawals,
/// in any order; after every call the money adds up.
contract JobEscrowInvariantTest is EscrowTestBase {
    EscrowHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new EscrowHandler(escrow, oracleKeys);
        vm.deal(address(handler), 1e9 ether);
    }

    /// forge calls only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// The escrow's ether is what was deposited minus what was withdrawn (payouts and refunds).
    function invariant_balanceIsDepositsMinusWithdrawals() public view {
        _eq(address(escrow).balance, handler.deposited() - handler.withdrawn(), "balance");
        _eq(escrow.totalHeld(), address(escrow).balance, "totalHeld");
    }

    /// Every wei held is either in an open deposit or in someone's withdrawable balance.
    function invariant_heldIsOpenDepositsPlusBalances() public view {
        _eq(handler.openDeposits() + handler.sumOfBalances(), address(escrow).balance, "open + balances");
    }

    /// Each account holds exactly what the settlements and refunds so far owe it, less what it
    /// withdrew: no job paid twice, no credit lost, none misdirected.
    function invariant_everyAccountIsOwedExactlyItsCredits() public view {
        for (uint32 id = 1; id <= escrow.accountCount(); ++id) {
            address account = escrow.accountOf(id);
            _eq(escrow.balanceOf(id) + handler.withdrawnBy(account), handler.owed(account), "account credit");
        }
    }
}

contract EscrowHandler {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    JobEscrow private immutable escrow;
    uint256[3] private keys;
    address[3] private providers = [address(0x1001), address(0x1002), address(0x1003)];
    address[2] private payers = [address(0x2001), address(0x2002)];

    uint256 public deposited;
    uint256 public withdrawn;
    mapping(address => uint256) public owed;
    mapping(address => uint256) public withdrawnBy;
    uint64[] private jobs;

    constructor(JobEscrow escrow_, uint256[3] memory keys_) {
        escrow = escrow_;
        keys = keys_;
    }

    function deposit(uint256 who, uint256 to, uint64 amountUnits, uint32 lifetime) external {
        uint256 amount = (uint256(amountUnits) % 1e7 + 1) * 10_000 gwei;
        address payer = payers[who % 2];
        vm.deal(payer, payer.balance + amount);
        vm.prank(payer);
        jobs.push(
            escrow.deposit{value: amount}(
                keccak256(abi.encode(jobs.length, block.timestamp)),
                providers[to % 3],
                uint64(block.timestamp + 1 + lifetime % 30 days)
            )
        );
        deposited += amount;
    }

    /// Settles up to `n` jobs from `start`, each using a share of its deposit (maybe all, maybe none).
    function settle(uint256 start, uint256 n, uint256 share) external {
        if (jobs.length == 0) return;
        start %= jobs.length;
        n = n % 20 + 1;
        bytes memory entries;
        uint64 previous;
        for (uint256 i = start; i < jobs.length && i < start + n; ++i) {
            uint64 job = jobs[i];
            if (entries.length > 0 && job <= previous) continue;
            (address payer, address provider, uint32 providerId, uint256 max,, bool closed) = escrow.depositOf(job);
            uint64 used = uint64(((max / 1 gwei) * (share % 101)) / 100);
            entries = abi.encodePacked(entries, job, providerId, used);
            previous = job;
            if (!closed) {
                // A closed job rides along (the escrow must skip it) and earns nobody anything.
                owed[provider] += uint256(used) * 1 gwei;
                owed[payer] += max - uint256(used) * 1 gwei;
            }
        }
        uint64 nonce = escrow.settlementNonce();
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = escrow.settlementDigest(nonce, deadline, entries);
        (uint8 v0, bytes32 r0, bytes32 s0) = vm.sign(keys[0], digest);
        (uint8 v1, bytes32 r1, bytes32 s1) = vm.sign(keys[2], digest);
        escrow.settle(nonce, deadline, entries, abi.encodePacked(r0, s0, v0, r1, s1, v1));
    }

    /// The payer adds to an open deposit and moves its deadline later.
    function topUp(uint256 index, uint64 amountUnits, uint32 extra) external {
        if (jobs.length == 0) return;
        uint64 job = jobs[index % jobs.length];
        (address payer,,,, uint64 deadline, bool closed) = escrow.depositOf(job);
        if (closed) return;
        uint256 amount = (uint256(amountUnits) % 1e6) * 10_000 gwei;
        vm.deal(payer, payer.balance + amount);
        vm.prank(payer);
        escrow.topUp{value: amount}(job, deadline + extra % 1 days);
        deposited += amount;
    }

    function passTime(uint32 seconds_) external {
        vm.warp(block.timestamp + seconds_ % 10 days);
    }

    function refund(uint256 index) external {
        if (jobs.length == 0) return;
        uint64 job = jobs[index % jobs.length];
        (,,,, uint64 deadline, bool closed) = escrow.depositOf(job);
        if (closed || block.timestamp <= deadline) return;
        escrow.refundExpired(job);
        (address payer,,, uint256 max,,) = escrow.depositOf(job);
        owed[payer] += max;
    }

    function withdraw(uint256 who) external {
        // Even: one of the three providers; odd: either payer (who % 2 alone would be 1 for every
        // odd number and never pick the first payer).
        address account = who % 2 == 0 ? providers[who % 3] : payers[(who / 2) % 2];
        uint256 balance = escrow.balanceOf(escrow.accountIdOf(account));
        if (balance == 0) return;
        vm.prank(account);
        escrow.withdraw();
        withdrawn += balance;
        withdrawnBy[account] += balance;
    }

    function openDeposits() external view returns (uint256 open) {
        for (uint256 i; i < jobs.length; ++i) {
            (,,, uint256 max,, bool closed) = escrow.depositOf(jobs[i]);
            if (!closed) open += max;
        }
    }

    function sumOfBalances() external view returns (uint256 sum) {
        for (uint32 id = 1; id <= escrow.accountCount(); ++id) {
            sum += escrow.balanceOf(id);
        }
    }
}
